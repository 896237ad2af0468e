/* Arming the kernel's wakeups for the current policy and watched set.
 *
 * What each registration costs here (tests/bench/armcost, see
 * sources/triggers.h): a v1 usage threshold ~12-16 ms (the kernel waits
 * for an RCU grace period), everything else ~15 us. So the fast ones are
 * armed inline, and the thresholds in batches of WAKE_ARM_BATCH per tick,
 * registered in parallel (one grace period per batch), the cgroups
 * closest to their level first: 1,000 cgroups are armed in well under a
 * second, and the loop keeps ticking (polling fast) between batches. A
 * single re-arm (a limit changed) is one inline registration, no thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "outputs/log.h"
#include "sources/triggers.h"

/* PSI triggers use a 1 s window (2 s when unprivileged); the stall
 * threshold is the rule's avg10 percentage of that window. */
#define PSI_WINDOW_US USEC_PER_SEC
/* With only MemAvailable / watermark thresholds, wake on any real memory
 * stall (10 % of a window) so a fast allocator is seen within a window. */
#define PSI_EARLY_PERCENT 10.0

/* The lowest usage level at which a rule wants to look (bytes), or 0. */
static uint64_t usage_wake_level(const struct thresholds *th, uint64_t limit) {
        uint64_t level = UINT64_MAX;
        if (th->usage_above.kind != SIZE_UNSET)
                level = size_or_pct_resolve(&th->usage_above, limit);
        if (th->headroom_below.kind != SIZE_UNSET && limit != BYTES_UNLIMITED) {
                uint64_t room = size_or_pct_resolve(&th->headroom_below, limit);
                uint64_t l = limit > room ? limit - room : 0;
                level = l < level ? l : level;
        }
        if (th->forecast_below_ns && limit != BYTES_UNLIMITED)
                level = limit / 2 < level ? limit / 2 : level; /* start watching the slope */
        return level == UINT64_MAX || level == BYTES_UNLIMITED ? 0 : level;
}

/* Pick the stricter of some/full: the trigger only needs to wake us. */
static int arm_psi(const char *path, const struct thresholds *th, double early_pct, uint64_t *window) {
        bool full = false;
        double pct = early_pct;
        if (th->psi_some_avg10_above >= 0)
                pct = th->psi_some_avg10_above;
        else if (th->psi_full_avg10_above >= 0) {
                pct = th->psi_full_avg10_above;
                full = true;
        }
        if (pct < 0)
                return -ENOENT;
        uint64_t stall = (uint64_t)(fmax(pct, 1.0) / 100.0 * (double)PSI_WINDOW_US);
        return psi_trigger_arm(path, full, stall, PSI_WINDOW_US, window);
}

/* The cheap registrations, and the level; true when the cgroup still
 * needs its v1 usage threshold (re)armed. */
static bool arm_fast(struct guard *g, struct watched_cgroup *w, const struct memcg_stats *st) {
        const struct rule *r = &g->policy.cgroups[w->rule_index];
        if (w->armed_limit != st->limit || !w->armed_limit) {
                w->armed_limit = st->limit;
                w->armed_level = usage_wake_level(&r->th, st->limit);
        }
        /* No PSI for this cgroup (a v1-only host, or no cgroup2 twin): the
         * kernel's vmpressure says when reclaim starts in it, which is when
         * failcnt starts to climb (no other eventfd tells that). */
        if (w->files.version == CGROUP_V1 && !w->psi_dir && w->pressure_fd == -1) {
                char dir[4096];
                int fd = path_join(dir, sizeof(dir), g->mounts.memory_mount, w->path) == 0
                                 ? memcg_v1_pressure_arm(dir, "low")
                                 : -ENAMETOOLONG;
                w->pressure_fd = fd >= 0 ? fd : -2; /* -2: tried, do not retry every tick */
        }
        if (w->psi_fd == -1 && w->psi_dir) {
                char path[4096];
                int fd = -ENAMETOOLONG;
                if (path_join(path, sizeof(path), w->psi_dir, "memory.pressure") == 0)
                        fd = arm_psi(path, &r->th, -1, NULL);
                w->psi_fd = fd >= 0 ? fd : -2; /* -2: tried, do not retry every tick */
        }
        if (w->files.version != CGROUP_V1 || w->level_armed_for == st->limit)
                return false;
        if (w->level_fd >= 0) {
                close(w->level_fd);
                g->wake.rebuild = true; /* the new eventfd may get the same number */
        }
        w->level_fd = -1;
        if (!w->armed_level) {
                w->level_armed_for = st->limit; /* nothing to wake at */
                return false;
        }
        return true;
}

/* How close a cgroup is to its level: the closest are armed first. */
static double closeness(const struct watched_cgroup *w, const struct cgroup_view *v) {
        return (double)v->stats.usage / (double)w->armed_level;
}

/* The batch: indexes of the WAKE_ARM_BATCH closest cgroups that need a
 * threshold, closest first (insertion into a short sorted list). */
static size_t pick_batch(struct guard *g, size_t *batch, size_t *ret_pending) {
        double best[WAKE_ARM_BATCH];
        size_t n = 0, pending = 0;
        for (size_t i = 0; i < g->cgroups.n; i++) {
                struct watched_cgroup *w = &g->cgroups.items[i];
                const struct cgroup_view *v = &g->cgroups.views[i];
                if (!v->valid || w->rule_index < 0 || w->vanished || !arm_fast(g, w, &v->stats))
                        continue;
                pending++;
                double c = closeness(w, v);
                size_t at = n;
                while (at > 0 && best[at - 1] < c)
                        at--;
                if (at >= WAKE_ARM_BATCH)
                        continue;
                size_t last = n < WAKE_ARM_BATCH ? n++ : n - 1;
                memmove(&best[at + 1], &best[at], (last - at) * sizeof(best[0]));
                memmove(&batch[at + 1], &batch[at], (last - at) * sizeof(batch[0]));
                best[at] = c;
                batch[at] = i;
        }
        *ret_pending = pending;
        return n;
}

size_t wakeups_arm_cgroups(struct guard *g) {
        size_t batch[WAKE_ARM_BATCH], pending;
        size_t n = pick_batch(g, batch, &pending);
        struct v1_threshold_req reqs[WAKE_ARM_BATCH];
        size_t k = 0, used = 0;
        /* The paths go into the tick's scratch buffer, free at this point. */
        for (size_t j = 0; j < n; j++) {
                struct watched_cgroup *w = &g->cgroups.items[batch[j]];
                char *dir = g->scratch + used;
                if (path_join(dir, GUARD_SCRATCH_SIZE - used, g->mounts.memory_mount, w->path) < 0)
                        break; /* scratch full: the rest waits for the next tick */
                used += strlen(dir) + 1;
                reqs[k++] = (struct v1_threshold_req){ .cgroup_dir = dir, .bytes = w->armed_level };
        }
        uint64_t t0 = now_ns();
        memcg_v1_thresholds_arm(reqs, k);
        if (k)
                log_debug(
                        "armed %zu v1 usage thresholds in %.1f ms, closest first: %s at %.0f%% of its level; %zu to go",
                        k, (double)(now_ns() - t0) / 1e6, g->cgroups.items[batch[0]].path,
                        100.0 * closeness(&g->cgroups.items[batch[0]], &g->cgroups.views[batch[0]]), pending - k);
        for (size_t j = 0; j < k; j++) {
                struct watched_cgroup *w = &g->cgroups.items[batch[j]];
                w->level_fd = reqs[j].ret_fd;
                w->level_armed_for = w->armed_limit;
                bool said = g->sidecar && (w->level_fd == -EACCES || w->level_fd == -EPERM || w->level_fd == -EROFS);
                if (w->level_fd < 0 && !said) /* sidecar mode said it at start, with what it costs */
                        log_warning("cgroup %s: cannot arm a usage threshold: %s (polling only)", w->path,
                                    strerror(-w->level_fd));
                if (w->level_fd < 0) {
                        w->level_fd = -1;
                }
        }
        return pending - k;
}

void wakeups_arm_machine(struct guard *g) {
        struct wakeups *wk = &g->wake;
        if (wk->machine_psi_fd >= 0)
                close(wk->machine_psi_fd);
        wk->machine_psi_fd = -1;
        wk->rebuild = true;
        if (!g->policy.has_global)
                return;
        const struct thresholds *th = &g->policy.global.th;
        bool memory_rule = th->mem_available_below.kind != SIZE_UNSET || th->watermark_below != WATERMARK_NONE;
        char path[4096];
        if (path_join(path, sizeof(path), g->root, "/proc/pressure/memory") < 0)
                return;
        int fd = arm_psi(path, th, memory_rule ? PSI_EARLY_PERCENT : -1, &wk->machine_psi_window_us);
        if (fd >= 0)
                wk->machine_psi_fd = fd;
        else if (fd != -ENOENT)
                log_info("no PSI trigger on %s (%s): polling every %llums", path, strerror(-fd),
                         (unsigned long long)(g->policy.daemon.interval_ns / NSEC_PER_MSEC));
}

void wakeups_release_slow(struct guard *g) {
        struct wakeups *wk = &g->wake;
        size_t n = 0;
        for (size_t i = 0; i < g->cgroups.n && n < wk->cap_close; i++) {
                struct watched_cgroup *w = &g->cgroups.items[i];
                if (w->psi_fd < 0)
                        continue;
                wk->close_fds[n++] = w->psi_fd;
                w->psi_fd = -1; /* armed again at the next tick, if still wanted */
        }
        triggers_close(wk->close_fds, n);
        wk->rebuild = true;
}

int wakeups_reserve(struct guard *g) {
        struct wakeups *wk = &g->wake;
        size_t want = 5 + 5 * g->cgroups.n; /* signals, machine PSI, connector, kmsg, app; 5 per cgroup */
        int r = GROW(wk->pfds, wk->cap, want);
        if (r >= 0)
                r = GROW(wk->what, wk->cap_what, want);
        if (r >= 0)
                r = GROW(wk->reg, wk->cap_reg, want);
        if (r >= 0)
                r = GROW(wk->reg_what, wk->cap_reg_what, want);
        return r < 0 ? r : GROW(wk->close_fds, wk->cap_close, g->cgroups.n + 1);
}
