/* Which [cgroup:NAME] rule owns a cgroup. */
#pragma once

#include "policy/policy.h"

/* Index of the first [cgroup:] rule whose path glob matches rel_path
 * ("/a/b", relative to the hierarchy's root), or -1. */
int policy_match_cgroup(const struct policy *p, const char *rel_path);
