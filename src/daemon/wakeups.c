/* Arming the kernel's wakeups for the current policy and watched set, and
 * the pollfd array the loop waits on. Arming and rebuilding allocate and
 * happen at start, reload and rescan; re-arming after a limit change is
 * syscalls only. */
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

const char *wakeup_kind_to_string(enum wakeup_kind k) {
        static const char *const names[] = {
                [WAKE_TIMEOUT] = "poll interval",
                [WAKE_SIGNAL] = "signal",
                [WAKE_MACHINE_PSI] = "machine PSI trigger",
                [WAKE_V1_THRESHOLD] = "v1 usage threshold",
                [WAKE_CGROUP_PSI] = "cgroup PSI trigger",
                [WAKE_V2_EVENTS] = "memory.events change",
                [WAKE_PROC_EVENTS] = "process event",
                [WAKE_V1_OOM] = "v1 OOM event",
                [WAKE_V2_TRIPWIRE] = "memory.high tripwire",
                [WAKE_V1_PRESSURE] = "v1 memory pressure",
        };
        return names[k];
}

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

bool wakeups_arm_cgroup(struct guard *g, struct watched_cgroup *w, const struct memcg_stats *st) {
        bool registered = false;
        const struct rule *r = &g->policy.cgroups[w->rule_index];
        if (w->armed_limit != st->limit || !w->armed_limit) {
                w->armed_limit = st->limit;
                w->armed_level = usage_wake_level(&r->th, st->limit);
        }
        if (w->files.version == CGROUP_V1 && w->level_armed_for != st->limit) {
                if (w->level_fd >= 0)
                        close(w->level_fd);
                w->level_fd = -1;
                w->level_armed_for = st->limit;
                char dir[4096];
                if (w->armed_level && path_join(dir, sizeof(dir), g->mounts.memory_mount, w->path) == 0) {
                        w->level_fd = memcg_v1_threshold_arm(dir, w->armed_level);
                        registered = true;
                }
                if (w->armed_level && w->level_fd < 0)
                        log_warning("cgroup %s: cannot arm a usage threshold: %s (polling only)", w->path,
                                    strerror(-w->level_fd));
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
                registered = true;
        }
        return registered;
}

void wakeups_arm_machine(struct guard *g) {
        struct wakeups *wk = &g->wake;
        if (wk->machine_psi_fd >= 0)
                close(wk->machine_psi_fd);
        wk->machine_psi_fd = -1;
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

int wakeups_reserve(struct guard *g) {
        struct wakeups *wk = &g->wake;
        size_t want = 3 + 5 * g->cgroups.n; /* signals, machine PSI, connector; 5 per cgroup */
        int r = GROW(wk->pfds, wk->cap, want);
        return r < 0 ? r : GROW(wk->what, wk->cap_what, want);
}

static void add(struct wakeups *wk, int fd, short events, enum wakeup_kind kind, int cgroup) {
        if (fd < 0 || wk->n >= wk->cap || wk->n >= wk->cap_what)
                return;
        wk->pfds[wk->n] = (struct pollfd){ .fd = fd, .events = events };
        wk->what[wk->n] = (struct wakeup){ .kind = kind, .cgroup = cgroup };
        wk->n++;
}

void wakeups_fill(struct guard *g, int signal_fd) {
        struct wakeups *wk = &g->wake;
        uint64_t now = now_ns();
        wk->n = 0;
        add(wk, signal_fd, POLLIN, WAKE_SIGNAL, -1);
        add(wk, wk->machine_psi_fd, POLLPRI, WAKE_MACHINE_PSI, -1);
        add(wk, g->pc_fd, POLLIN, WAKE_PROC_EVENTS, -1);
        for (size_t i = 0; i < g->cgroups.n; i++) {
                const struct watched_cgroup *w = &g->cgroups.items[i];
                if (w->vanished)
                        continue;
                add(wk, w->oom_fd, POLLIN, WAKE_V1_OOM, (int)i);
                add(wk, w->level_fd, POLLIN, WAKE_V1_THRESHOLD, (int)i);
                add(wk, w->psi_fd, POLLPRI, WAKE_CGROUP_PSI, (int)i);
                if (now >= w->pressure_quiet_until_ns)
                        add(wk, w->pressure_fd, POLLIN, WAKE_V1_PRESSURE, (int)i);
                if (w->files.version == CGROUP_V2)
                        add(wk, w->files.fd[MEMCG_FAILCNT_OR_EVENTS], POLLPRI, WAKE_V2_EVENTS, (int)i);
        }
}

void wakeups_free(struct wakeups *wk) {
        if (wk->machine_psi_fd >= 0)
                close(wk->machine_psi_fd);
        free(wk->pfds);
        free(wk->what);
        *wk = (struct wakeups){ .machine_psi_fd = -1 };
}
