/* Which scopes keep a victim ranking (actions/ranking.h): the machine when
 * [global] chooses victims, and the warmest watched cgroups whose rule
 * does. One slice of walking per tick, within a time budget. A slot is
 * allocated when a scope becomes worth ranking (off the kill path). */
#pragma once

#include "actions/actuator.h"
#include "actions/ranking.h"
#include "policy/policy.h"
#include "snapshot/cgroup_set.h"
#include "sources/meminfo.h"
#include "util.h"

#define RANK_SLOTS 4 /* the machine and 3 cgroups */
#define RANK_TICK_BUDGET_NS (2 * NSEC_PER_MSEC)
#define RANK_WARM_FRACTION 0.5               /* of its limit: a cgroup worth ranking */
#define RANK_CALM_GAP_NS (30 * NSEC_PER_SEC) /* rest between walks while calm */

struct rankings {
        struct ranking *slots[RANK_SLOTS];
};

/* What the rankings look at: the running policy, the watched cgroups as
 * this tick read them, the machine's memory, and the action context the
 * choice would run in (its victim policy; root, mounts, machine_bytes). */
struct rankings_ctx {
        const struct action_ctx *actx;
        const struct policy *policy;
        const struct cgroup_set *cgroups;
        const struct meminfo *mem;
        bool hot;      /* something is near a threshold: walk more often */
        bool calm;     /* everything is far from its threshold: walk seldom */
        char *scratch; /* for reading a cgroup at the moment of choice */
        size_t scratch_size;
};

/* Advance the rankings (after the tick's decisions). */
void rankings_tick(struct rankings *rs, const struct rankings_ctx *c);

/* How to read what a scope's processes hold at the moment of choice. */
struct rank_used_ctx {
        ranking_used_fn fn;
        void *ud;                        /* the root, or this struct */
        const struct memcg_files *files; /* a cgroup's kept fds */
        char *scratch;
        size_t size;
};

/* The ranking of a decision's scope, or NULL; *ret_used says how to read
 * what the scope holds (ret_used must stay where it is while used). */
struct ranking *rankings_for(struct rankings *rs, const struct rankings_ctx *c, const struct decision *d,
                             struct rank_used_ctx *ret_used);

void rankings_free(struct rankings *rs);

/* When the next slice of walking is due (0: now, UINT64_MAX: none), so
 * that the daemon's poll does not sleep through a walk. */
uint64_t rankings_next_step_ns(const struct rankings *rs, uint64_t now);

/* Some ranking walks or is ready: it wants births from the proc connector. */
bool rankings_want_births(const struct rankings *rs);
/* The connector was opened just now: births before now are unknown, so
 * every ranking walks its scope again from here. */
void rankings_rewalk(struct rankings *rs);
