/* Which scopes keep a victim ranking (actions/ranking.h): the machine when
 * [global] chooses victims, and the warmest watched cgroups whose rule
 * does. One slice of walking per tick, within a time budget. */
#pragma once

#include "actions/ranking.h"
#include "sources/memcg.h"

#define RANK_SLOTS 4                          /* the machine and 3 cgroups */
#define RANK_TICK_BUDGET_NS (2 * NSEC_PER_MSEC)
#define RANK_WARM_FRACTION 0.5                /* of its limit: a cgroup worth ranking */

struct guard;
struct decision;

/* Advance the rankings (after the tick's decisions). */
void rankings_tick(struct guard *g);

/* How to read what a scope's processes hold at the moment of choice. */
struct rank_used_ctx {
        ranking_used_fn fn;
        void *ud;                             /* the guard, or this struct */
        const struct memcg_files *files;      /* a cgroup's kept fds */
        char *scratch;
        size_t size;
};

/* The ranking of a decision's scope, or NULL; *ret_used says how to read
 * what the scope holds (ret_used must stay where it is while used). */
struct ranking *rankings_for(struct guard *g, const struct decision *d, struct rank_used_ctx *ret_used);

void rankings_free(struct guard *g);

/* A ranking of a big scope wants births from the proc connector (and it
 * was not refused). */
bool rankings_want_births(const struct guard *g);
