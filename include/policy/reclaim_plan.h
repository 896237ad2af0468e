/* Reclaim before kill, the arithmetic: whether a cgroup's usage is mostly
 * file cache the kernel can drop, and how far down to reclaim it. Pure:
 * numbers from memory.stat and the rule's thresholds in, a plan out (the
 * writes are actions/reclaim.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "sources/memcg.h"

/* Reclaimable file cache at or above this share of usage is
 * "cache-heavy": reclaim is tried before the kill. */
#define RECLAIM_CACHE_PCT 50
/* The target sits this far under the rule's level (of the limit; of the
 * level itself without a limit), and a v1 step-down never goes closer
 * than this to what reclaim cannot take (room for the tasks' next
 * allocations while the limit is low). */
#define RECLAIM_MARGIN_PCT 5

struct reclaim_plan {
        uint64_t reclaimable; /* file - shmem - mapped - dirty - writeback */
        uint64_t floor;       /* usage - reclaimable: what reclaim cannot take */
        uint64_t target;      /* usage to reach: the rule's levels less the margin */
        uint64_t amount;      /* usage - target, at most reclaimable; 0 = nothing to do */
        uint64_t v1_limit;    /* the v1 step: max(floor + margin, target), page-aligned */
};

/* The page cache reclaim can drop without writing anything back and
 * without taking what a process has mapped. */
uint64_t reclaim_reclaimable(const struct memcg_stat *st);
/* Whether reclaimable file cache is at least RECLAIM_CACHE_PCT of usage. */
bool reclaim_cache_heavy(const struct memcg_stats *st);
/* The plan for a cgroup over th's levels (usage_above, headroom_below;
 * neither: a tenth of the usage). page: the page size (v1 rounds limits
 * down to pages, and the restore file compares what it reads back). */
void reclaim_plan_make(const struct thresholds *th, const struct memcg_stats *st, uint64_t page,
                       struct reclaim_plan *ret);
