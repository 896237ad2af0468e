/* The whole-cgroup kill: every process (v2 cgroup.kill; v1 freeze, kill,
 * thaw). */
#pragma once

#include "actions/actuator.h"

int cgroup_kill(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep);
