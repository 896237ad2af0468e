/* Which [cgroup:NAME] rule owns a cgroup. */
#pragma once

#include <stdbool.h>

#include "policy/policy.h"

/* A cgroup path glob: fnmatch(3) with FNM_PATHNAME ("*" stays within one
 * component), and "**" as a whole component for any number of components:
 * "/kubepods/" then "**" is every cgroup below /kubepods; "/" then "**"
 * every cgroup but the root; "**" in the middle may also stand for none
 * (oomguard.conf(5), Path globs). A plain path also matches itself when
 * it holds a '['. */
bool cgroup_glob_match(const char *glob, const char *path);

/* Index of the first [cgroup:] rule whose path glob matches rel_path
 * ("/a/b", relative to the hierarchy's root), or -1. */
int policy_match_cgroup(const struct policy *p, const char *rel_path);
