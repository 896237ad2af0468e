/* Whole-cgroup actions: kill every process (v2 cgroup.kill; v1 freeze,
 * kill, thaw) and reclaim (v2 memory.reclaim; v1 memory.force_empty). */
#pragma once

#include "actions/actuator.h"

int cgroup_kill(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep);
int cgroup_reclaim(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep);
