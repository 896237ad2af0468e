/* Reclaim one cgroup (see reclaim.c): action = reclaim, and reclaim_first
 * before a rule's action. */
#pragma once

#include "actions/actuator.h"

/* action = reclaim. */
int cgroup_reclaim(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep);
/* Whether d's rule reclaims first here: reclaim_first, a cgroup, not
 * under OOM, mostly reclaimable cache (policy/reclaim_plan.h). */
bool reclaim_first_wanted(const struct decision *d);
/* reclaim_first: reclaims when wanted; true when the cgroup is back under
 * its thresholds (rep->outcome says so and the action is not taken), false
 * when the action must run (rep->reclaim says what was tried). */
bool reclaim_first(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep);
/* What a reclaim freed (usage before minus after, 0 when it grew). */
uint64_t reclaim_freed(const struct reclaim_result *res);
/* "reclaimed 180.0MiB in 23.1 ms (limit stepped to 120.0MiB)". */
void reclaim_describe(const struct reclaim_result *res, char *buf, size_t size);
