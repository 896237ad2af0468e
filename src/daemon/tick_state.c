/* Tick bookkeeping: rules that stopped firing, kernel wakeups to (re)arm,
 * and whether to poll fast. */
#include "outputs/log.h"
#include "tick.h"

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

/* Rules that fired before and did not fire now have cleared. */
void tick_clear_stale(struct guard *g, size_t n) {
        bool global_fired = false;
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

/* Arm what is missing (first tick, limit changed) and note whether any
 * cgroup sits above its wake level, where only polling sees more. */
/* Registering a v1 threshold waits in the kernel (~10-15 ms): 1,000
 * cgroups would hold the first tick for 15 s. A few per tick, then. */
#define ARMS_PER_TICK 8

void tick_arm_and_heat(struct guard *g, size_t n_decisions) {
        unsigned arms = 0;
        g->hot = n_decisions > 0;
        for (size_t i = 0; i < g->cgroups.n; i++) {
                struct watched_cgroup *w = &g->cgroups.items[i];
                const struct cgroup_view *v = &g->cgroups.views[i];
                if (!v->valid || w->rule_index < 0)
                        continue;
                if (g->armed && arms < ARMS_PER_TICK)
                        arms += wakeups_arm_cgroup(g, w, &v->stats);
                if (g->armed && w->files.version == CGROUP_V1 && w->level_armed_for != v->stats.limit)
                        g->hot = true; /* not armed yet: poll fast meanwhile */
                if (w->armed_level && v->stats.usage >= w->armed_level)
                        g->hot = true;
                if (v->d.has_rates && v->d.usage_slope > 0 && v->d.bytes_left != BYTES_UNLIMITED &&
                    (double)v->d.bytes_left / v->d.usage_slope < 2.0)
                        g->hot = true; /* limit within 2 s at this slope */
        }
}

uint64_t tick_timeout_ns(const struct guard *g) {
        uint64_t iv = g->policy.daemon.interval_ns;
        return g->hot && iv > TICK_FAST_POLL_NS ? TICK_FAST_POLL_NS : iv;
}
