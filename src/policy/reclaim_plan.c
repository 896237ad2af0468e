/* Reclaim before kill, the arithmetic (see policy/reclaim_plan.h). Pure. */
#include "policy/reclaim_plan.h"
#include "units.h"
#include "util.h"

static uint64_t sub0(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

/* Both v1 "cache" and v2 "file" count shmem (tmpfs), which reclaim can
 * only swap; mapped pages are a process's text and mmaps (its working
 * set, whatever the LRU says); dirty and writeback pages must be written
 * first, which a limit step cannot wait for. */
uint64_t reclaim_reclaimable(const struct memcg_stat *st) {
        return sub0(st->file, st->shmem + st->mapped + st->dirty + st->writeback);
}

bool reclaim_cache_heavy(const struct memcg_stats *st) {
        uint64_t r = reclaim_reclaimable(&st->stat);
        return st->usage > 0 && r >= st->usage / 100 * RECLAIM_CACHE_PCT;
}

static uint64_t margin_of(uint64_t limit, uint64_t level) {
        return (limit != BYTES_UNLIMITED ? limit : level) / 100 * RECLAIM_MARGIN_PCT;
}

/* The usage under which every level threshold of th is clear, with the
 * margin; UINT64_MAX when th has none that applies. Below usage_above's
 * level in usage is below it in working set too (working set <= usage). */
static uint64_t level_target(const struct thresholds *th, const struct memcg_stats *st) {
        uint64_t target = UINT64_MAX, limit = st->limit;
        const struct size_or_pct *u = &th->usage_above, *h = &th->headroom_below;
        if (u->kind == SIZE_PERCENT && limit != BYTES_UNLIMITED) {
                uint64_t level = (uint64_t)(u->percent / 100.0 * (double)limit);
                target = sub0(level, margin_of(limit, level));
        } else if (u->kind == SIZE_BYTES)
                target = sub0(u->bytes, u->bytes / 100 * RECLAIM_MARGIN_PCT);
        if (h->kind != SIZE_UNSET && limit != BYTES_UNLIMITED) {
                uint64_t level = sub0(limit, size_or_pct_resolve(h, limit));
                target = min_u64(target, sub0(level, margin_of(limit, level)));
        }
        return target;
}

void reclaim_plan_make(const struct thresholds *th, const struct memcg_stats *st, uint64_t page,
                       struct reclaim_plan *ret) {
        struct reclaim_plan p = { .reclaimable = reclaim_reclaimable(&st->stat) };
        p.floor = sub0(st->usage, p.reclaimable);
        p.target = level_target(th, st);
        if (p.target == UINT64_MAX)
                p.target = st->usage - st->usage / 10;
        p.amount = min_u64(sub0(st->usage, p.target), p.reclaimable);
        uint64_t low = p.floor + margin_of(st->limit, st->usage);
        p.v1_limit = p.target > low ? p.target : low;
        if (page)
                p.v1_limit -= p.v1_limit % page;
        if (p.amount == 0 || (st->limit != BYTES_UNLIMITED && p.v1_limit >= st->limit))
                p.v1_limit = 0; /* no step: nothing to take, or it would not be lower */
        *ret = p;
}
