/* Tick bookkeeping: rules that stopped firing, kernel wakeups to (re)arm,
 * and whether to poll fast. */
#include <unistd.h>

#include "outputs/log.h"
#include "proc_events.h"
#include "tick.h"
#include "trend_watch.h"

static void clear_firing(struct firing *f, const char *rule, const char *target) {
        if (!f->active)
                return;
        char path[512];
        sanitize_copy(path, sizeof(path), target);
        const struct log_field fields[] = { { "OOMGUARD_RULE", rule }, { "OOMGUARD_CGROUP", path } };
        if (f->last_acted_ns)
                log_event(LOG_INFO, MSGID_CLEARED, fields, ELEMENTSOF(fields),
                          "rule %s on %s: back below its thresholds", rule, path);
        pacing_target_cleared(f); /* a new crossing is a new episode */
}

/* The kernel signals a PSI trigger at most once a window, only on the
 * tick it woke: between two signals of one stall the rule does not fire.
 * That stall is one episode until a quiet stretch of two windows, so
 * that post_kill_delay holds after a kill (measured in the VM: the
 * trigger fires again ~1 s after the hog died, while its memory is
 * still coming back). Only an episode the trigger itself fired: one of
 * MemAvailable clears as soon as memory is back. */
static bool machine_stall_goes_on(const struct guard *g) {
        uint64_t window_ns = (g->wake.machine_psi_window_us ? g->wake.machine_psi_window_us : USEC_PER_SEC) * 1000;
        return g->wake.machine_psi_fd >= 0 && g->global_by_psi && g->global_firing.active && g->machine_psi_fired_ns &&
               now_ns() - g->machine_psi_fired_ns < 2 * window_ns;
}

/* Rules that fired before and did not fire now have cleared. */
void tick_clear_stale(struct guard *g, size_t n) {
        bool global_fired = machine_stall_goes_on(g);
        for (size_t i = 0; i < n; i++)
                if (!g->decisions[i].cgroup)
                        global_fired = true;
        if (!global_fired)
                clear_firing(&g->global_firing, "global", "/");
        for (size_t i = 0; i < g->cgroups.n; i++) {
                bool fired = false;
                for (size_t j = 0; j < n && !fired; j++)
                        fired = g->decisions[j].cgroup == &g->cgroups.views[i];
                const struct watched_cgroup *w = &g->cgroups.items[i];
                if (!fired && w->rule_index >= 0)
                        clear_firing(&g->cgroups.items[i].firing, g->policy.cgroups[w->rule_index].name, w->path);
        }
}

/* How long the loop may sleep. Kernel events carry the fast path (a v1
 * usage threshold, PSI triggers, vmpressure, memory.events); the poll is
 * the fallback, for what no armed event signals. Like earlyoom's adaptive
 * sleep (its main.c, sleep_time_ms), the poll waits as long as the value
 * closest to its threshold could not cross it even at the fastest fill:
 * RAM at 6000 MiB/s, swap at 800 MiB/s (earlyoom's rates, measured with
 * stress -m 4 and on zram; a hog here fills 1.7 GiB/s). Never shorter
 * than `interval` while nothing is near, never longer than
 * TICK_IDLE_POLL_NS (or `interval`, if longer); TICK_FAST_POLL_NS while
 * something is near (a rule fires, a cgroup is above the level its
 * eventfd signals, arming is not done). Only for an armed guard: without
 * kernel events (a fixture root) it polls every `interval`. */
#define TICK_IDLE_POLL_NS NSEC_PER_SEC
#define FILL_BYTES_PER_SEC (6000.0 * 1024 * 1024)
#define SWAP_FILL_BYTES_PER_SEC (800.0 * 1024 * 1024)

static uint64_t fill_ns(uint64_t have, uint64_t level, double rate) {
        return have > level ? (uint64_t)((double)(have - level) / rate * 1e9) : 0;
}

/* The nearest values: *calm while nothing is near (floor: interval),
 * *near for what already is (floor: TICK_FAST_POLL_NS). */
struct calm {
        uint64_t calm, near;
};

static void heat_cgroup(struct guard *g, const struct watched_cgroup *w, const struct cgroup_view *v, uint64_t now,
                        struct calm *c) {
        const struct thresholds *th = &g->policy.cgroups[w->rule_index].th;
        uint64_t level = w->armed_level;
        bool pending = g->armed && w->files.version == CGROUP_V1 && level && w->level_armed_for != v->stats.limit;
        bool steep = v->d.has_rates && v->d.usage_slope > 0 && v->d.bytes_left != BYTES_UNLIMITED &&
                     (double)v->d.bytes_left / v->d.usage_slope < 2.0; /* limit within 2 s at this slope */
        if (pending || steep) {                                        /* not armed yet: poll fast meanwhile */
                g->hot = true;
                c->near = 0;
        }
        if (!level) { /* no usage level: a failcnt rate needs the reads */
                if (th->failcnt_rate_above >= 0)
                        c->calm = 0;
                return;
        }
        if (v->stats.usage >= level) {
                /* Past what the eventfd signals. Usage counts page cache,
                 * the rule the working set: with less room below the limit
                 * than the working set lacks, it can only reach the level
                 * through reclaim, which vmpressure signals (but not while
                 * its eventfd rests after a wakeup). */
                uint64_t ws = v->d.working_set,
                         room = v->stats.limit > v->stats.usage ? v->stats.limit - v->stats.usage : 0;
                if (g->armed && w->pressure_fd >= 0 && now >= w->chatty_quiet_until_ns && ws + room < level)
                        return;
                g->hot = true;
                c->near = min_u64(c->near, fill_ns(level, ws, FILL_BYTES_PER_SEC));
                return;
        }
        if (g->armed && w->level_fd >= 0 && w->level_armed_for == v->stats.limit)
                return; /* the kernel signals the crossing */
        /* A cold cgroup is probed every tick and known below half its level. */
        uint64_t used = w->cold ? level / 2 : v->stats.usage;
        c->calm = min_u64(c->calm, fill_ns(level, used, FILL_BYTES_PER_SEC));
}

/* Zones smaller than this share of the machine (DMA) keep their free
 * pages by lowmem_reserve: their few MiB above a watermark say nothing. */
#define ZONE_MIN_SHARE 64

static uint64_t zones_calm_ns(const struct zoneinfo *z, enum watermark_level want) {
        uint64_t managed = 0, calm = UINT64_MAX, page = (uint64_t)sysconf(_SC_PAGESIZE);
        for (size_t i = 0; i < z->n_zones; i++)
                managed += z->zones[i].managed;
        for (size_t i = 0; i < z->n_zones; i++) {
                const struct zone_watermarks *zw = &z->zones[i];
                uint64_t wm = want == WATERMARK_MIN ? zw->min : want == WATERMARK_LOW ? zw->low : zw->high;
                if (zw->managed * ZONE_MIN_SHARE >= managed)
                        calm = min_u64(calm, fill_ns(zw->free_pages * page, wm * page, FILL_BYTES_PER_SEC));
        }
        return calm;
}

static void heat_machine(const struct guard *g, struct calm *c) {
        const struct machine_view *m = &g->snap.machine;
        if (!g->policy.has_global || !m->has_mem)
                return;
        const struct thresholds *th = &g->policy.global.th;
        if (th->mem_available_below.kind != SIZE_UNSET) {
                /* Memory is short when RAM and swap are (evaluate_machine.c). */
                uint64_t t = fill_ns(m->mem.mem_available,
                                     size_or_pct_resolve(&th->mem_available_below, m->mem.mem_total),
                                     FILL_BYTES_PER_SEC);
                if (m->mem.swap_total > 0 && th->swap_free_below.kind != SIZE_UNSET)
                        t += fill_ns(m->mem.swap_free, size_or_pct_resolve(&th->swap_free_below, m->mem.swap_total),
                                     SWAP_FILL_BYTES_PER_SEC);
                c->calm = min_u64(c->calm, t);
        }
        if (th->watermark_below != WATERMARK_NONE && m->has_zones)
                c->calm = min_u64(c->calm, zones_calm_ns(&m->zones, th->watermark_below));
        /* PSI: the trigger signals it; without one avg10 moves slowly (2 s). */
}

/* Periodic work of the tick must not wait for the back-off. */
static uint64_t due_in_ns(uint64_t last, uint64_t every, uint64_t now) {
        return now - last >= every ? 0 : every - (now - last);
}

static uint64_t poll_period(const struct guard *g, const struct calm *c, uint64_t now) {
        uint64_t iv = g->policy.daemon.interval_ns;
        uint64_t fast = iv < TICK_FAST_POLL_NS ? iv : TICK_FAST_POLL_NS;
        if (!g->armed)
                return g->hot ? fast : iv;
        uint64_t ceiling = iv > TICK_IDLE_POLL_NS ? iv : TICK_IDLE_POLL_NS;
        uint64_t ns = min_u64(ceiling, c->calm < iv ? iv : c->calm);
        ns = min_u64(ns, c->near < fast ? fast : c->near);
        uint64_t walk = rankings_next_step_ns(&g->rankings, now); /* a walk goes on at `interval` */
        ns = min_u64(ns, walk < iv ? iv : walk);
        ns = min_u64(ns, due_in_ns(g->last_rescan_ns, g->policy.daemon.rescan_interval_ns, now));
        ns = min_u64(ns, trend_watch_poll_cap_ns(g)); /* samples enough for a short leak_window */
        /* --sidecar=PROGRAM, while the app is away: the next search */
        ns = min_u64(ns, sidecar_app_due_in_ns(g, now));
        if (g->live && proc_events_wanted(g))
                ns = min_u64(ns, due_in_ns(g->last_proc_scan_ns, proc_events_rescan_interval_ns(g), now));
        return ns > fast ? ns : fast;
}

static void announce_armed(const struct guard *g, uint64_t now) {
        size_t thresholds = 0, psi = 0, pressure = 0;
        for (size_t i = 0; i < g->cgroups.n; i++) {
                const struct watched_cgroup *w = &g->cgroups.items[i];
                thresholds += w->level_fd >= 0;
                psi += w->psi_fd >= 0;
                pressure += w->pressure_fd >= 0;
        }
        log_info(
                "armed: %zu cgroups watched, %zu usage thresholds, %zu PSI triggers, %zu vmpressure eventfds, "
                "in %llu ms",
                g->cgroups.n, thresholds, psi, pressure,
                (unsigned long long)((now - g->wake.arm_since_ns) / NSEC_PER_MSEC));
}

/* Arm what is missing (first tick, reload, rescan, limit changed), note
 * whether anything is near, and choose the poll period. */
void tick_arm_and_heat(struct guard *g, size_t n_decisions) {
        uint64_t now = now_ns();
        struct wakeups *wk = &g->wake;
        if (g->armed) {
                wk->arm_pending = wakeups_arm_cgroups(g);
                if (!wk->arm_pending && wk->arm_since_ns) {
                        announce_armed(g, now_ns());
                        wk->arm_since_ns = 0;
                }
        }
        g->hot = n_decisions > 0;
        struct calm c = { .calm = UINT64_MAX, .near = UINT64_MAX };
        for (size_t i = 0; i < g->cgroups.n; i++) {
                const struct watched_cgroup *w = &g->cgroups.items[i];
                const struct cgroup_view *v = &g->cgroups.views[i];
                if (v->valid && w->rule_index >= 0)
                        heat_cgroup(g, w, v, now, &c);
        }
        heat_machine(g, &c);
        if (n_decisions > 0)
                c.near = 0;
        wk->poll_ns = poll_period(g, &c, now);
        wk->calm = !g->hot && c.calm >= TICK_IDLE_POLL_NS;
}

uint64_t tick_timeout_ns(const struct guard *g) {
        return g->wake.poll_ns ? g->wake.poll_ns : g->policy.daemon.interval_ns;
}
