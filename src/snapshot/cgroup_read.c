/* Watched cgroups: the per-tick read (hot path: pread only).
 *
 * Reading every file of every cgroup at every tick costs 7 preads per
 * cgroup (35 % of a core for 1,000 cgroups at 100 ms). A cgroup far below
 * the level its rule cares about is "cold": below half its wake level (or
 * of a lower v2 memory.high, see cold_level), it
 * cannot hit its limit, so its failcnt and rates do not matter (the view
 * drops them and its PSI until the next full read) and only two numbers
 * matter: its usage (still below half?) and its limit (the level
 * moves with it). A cold cgroup whose v1 usage eventfd is armed is probed
 * for them every cold_ns (the kernel wakes us at the crossing; the probe
 * sees a changed limit, which the eventfd does not), any other cold
 * cgroup at every tick; it is read in full again once the probe says it
 * is no longer cold, or when its event woke us.
 *
 * Every read feeds the cgroup's leak trend (snapshot/trend.h): a full
 * read its working set, a cold probe its usage less the inactive_file of
 * the last full read (what the probe does not read; a cold cgroup's
 * cache changes slowly, and the trend keeps floors, so a stale estimate
 * errs high for one bucket at most). The forecast of the last fit goes
 * into the view, at the cost of a few multiplications. */
#include <unistd.h>

#include "snapshot/cgroup_set.h"
#include "snapshot/trend.h"
#include "sources/kv.h"
#include "util.h"

/* Half of this is cold: the rule's wake level, or a v2 memory.high
 * below it (an admin's MemoryHigh=), whose throttling counts "high"
 * events that a limit-hit alarm must see while the level is far away. */
static uint64_t cold_level(const struct watched_cgroup *w, const struct cgroup_view *v) {
        return v->stats.high < w->armed_level ? v->stats.high : w->armed_level;
}

static void feed_trend(struct watched_cgroup *w, struct cgroup_view *v, uint64_t now, uint64_t working_set) {
        struct trend_forecast f;
        trend_add(&w->trend, now, working_set);
        trend_forecast(&w->trend, now, v->stats.limit, &f);
        v->d.time_to_limit_s = f.time_to_limit_s;
}

static void full_read(struct cgroup_set *set, size_t i, uint64_t now, char *scratch, size_t size) {
        struct watched_cgroup *w = &set->items[i];
        struct cgroup_view *v = &set->views[i];
        *v = (struct cgroup_view){ .path = w->path, .rule_index = w->rule_index, .d = { .time_to_limit_s = -1 } };
        int r = memcg_read(&w->files, scratch, size, &v->stats);
        if (r < 0) {
                /* Removed: its kernfs fds would poll as ready for ever;
                 * close them now, rescan at the next tick. Any other
                 * error (a short read, the kernel out of memory in its
                 * seq_file) leaves this tick without a view but keeps
                 * every fd: closing the OOM eventfd of a cgroup whose
                 * oom_kill_disable stays 1 would leave its OOM waiting. */
                if (errno_is_vanished(r)) {
                        w->vanished = set->vanished = true;
                        watched_cgroup_disarm(w);
                }
                return;
        }
        v->valid = true;
        cgroup_derive(w->has_prev ? &w->prev : NULL, w->prev_ns, &v->stats, now, &v->d);
        if (v->d.reset)
                trend_reset(&w->trend); /* recreated: its old trend is another cgroup's */
        feed_trend(w, v, now, v->d.working_set);
        w->prev = v->stats;
        w->prev_ns = now;
        w->has_prev = true;
        w->cold = w->armed_level && v->stats.usage < cold_level(w, v) / 2;
        w->probed_ns = now;
}

/* One pread: a one-number file comes back whole in the first read (a
 * full buffer would mean more, and is refused). */
#define PROBE_BYTES 64

static bool read_u64(int fd, char *scratch, size_t size, uint64_t *ret) {
        ssize_t n = fd >= 0 && size >= PROBE_BYTES ? pread(fd, scratch, PROBE_BYTES, 0) : -1;
        return n > 0 && n < PROBE_BYTES && parse_u64_or_max(scratch, (size_t)n, ret) == 0;
}

/* The probe: still below half its wake level, under the same limit.
 * The usage it read goes into the trend. */
static bool still_cold(struct watched_cgroup *w, struct cgroup_view *v, uint64_t now, char *scratch, size_t size) {
        uint64_t usage, limit;
        if (!read_u64(w->files.fd[MEMCG_USAGE], scratch, size, &usage))
                return false;
        uint64_t cache = v->stats.stat.inactive_file;
        feed_trend(w, v, now, usage > cache ? usage - cache : 0);
        if (usage >= cold_level(w, v) / 2 || !read_u64(w->files.fd[MEMCG_LIMIT], scratch, size, &limit))
                return false;
        if (w->files.version == CGROUP_V1)
                limit = memcg_v1_normalize_limit(limit);
        return limit == v->stats.limit;
}

/* A cold cgroup's view keeps its last numbers, but not its rates nor its
 * PSI: those of the last full read (often the one right after a kill,
 * the failcnt rate and avg10 of the hog still in them) would fire a rule
 * at every tick on values nobody re-reads. */
static void forget_rates(struct cgroup_view *v) {
        v->d.has_rates = false;
        v->d.failcnt_rate = v->d.usage_slope = 0;
        v->stats.has_psi = false;
}

void cgroup_set_read(struct cgroup_set *set, uint64_t now, uint64_t cold_ns, int woken, char *scratch, size_t size) {
        for (size_t i = 0; i < set->n; i++) {
                struct watched_cgroup *w = &set->items[i];
                if (w->vanished) {
                        set->views[i].valid = false;
                        continue;
                }
                if (w->has_prev && w->cold && (int)i != woken && cold_ns) {
                        forget_rates(&set->views[i]);
                        if (w->level_fd >= 0 && now - w->probed_ns < cold_ns)
                                continue; /* the kernel signals the crossing */
                        w->probed_ns = now;
                        if (still_cold(w, &set->views[i], now, scratch, size))
                                continue;
                }
                full_read(set, i, now, scratch, size);
        }
}
