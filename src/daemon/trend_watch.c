/* The leak forecast after the decisions: refit the trends whose bucket
 * closed (a bounded number per tick, taking turns), feed the machine's,
 * and step every leak rule's episode, emitting what it says. */
#include <stdio.h>

#include "guard.h"
#include "trend_watch.h"
#include "warnings.h"

static void refit_some(struct guard *g) {
        struct cgroup_set *set = &g->cgroups;
        unsigned done = 0;
        for (size_t k = 0; k < set->n && done < TREND_REFITS_PER_TICK; k++) {
                struct trend *t = &set->items[(g->trend_cursor + k) % set->n].trend;
                if (t->dirty) {
                        trend_refit(t);
                        done++;
                }
        }
        if (set->n)
                g->trend_cursor = (g->trend_cursor + TREND_REFITS_PER_TICK) % set->n;
}

static void emit(struct guard *g, const struct rule *r, const char *cgroup, const char *what, int transition,
                 const struct trend_forecast *f, uint64_t level, uint64_t limit) {
        struct warning_event ev = {
                .rule = r->name,
                .cgroup = cgroup,
                .kind = WARNING_LEAK,
                .transition = (enum warning_transition)transition,
                .value = f->valid ? f->slope : 0,
                .threshold = (double)r->leak.warn_within_ns / 1e9,
                .time_to_limit_s = f->time_to_limit_s,
                .working_set = level,
                .limit = limit,
        };
        leak_warning_text(ev.text, sizeof(ev.text), what, f, level, limit, transition, &r->leak);
        warnings_emit(g, &ev);
}

static void watch_machine(struct guard *g, uint64_t now) {
        struct machine_view *m = &g->snap.machine;
        const struct rule *r = &g->policy.global;
        trend_set_window(&g->machine_trend, r->leak.window_ns); /* the default without [global] */
        if (!m->has_mem)
                return;
        uint64_t level, limit;
        trend_machine_level(&m->mem, &level, &limit);
        trend_add(&g->machine_trend, now, level);
        trend_refit(&g->machine_trend);
        struct trend_forecast f;
        trend_forecast(&g->machine_trend, now, limit, &f);
        m->time_to_limit_s = f.time_to_limit_s;
        if (!g->policy.has_global)
                return;
        int t = leak_episode_step(&g->machine_leak, &r->leak, &f, now);
        if (t != LEAK_NO_CHANGE)
                emit(g, r, NULL, "memory in use", t, &f, level, limit);
}

static void watch_cgroup(struct guard *g, size_t i, uint64_t now) {
        struct watched_cgroup *w = &g->cgroups.items[i];
        const struct cgroup_view *v = &g->cgroups.views[i];
        if (w->rule_index < 0 || (size_t)w->rule_index >= g->policy.n_cgroups || !v->valid)
                return;
        const struct rule *r = &g->policy.cgroups[w->rule_index];
        struct trend_forecast f;
        trend_forecast(&w->trend, now, v->stats.limit, &f);
        int t = leak_episode_step(&w->leak, &r->leak, &f, now);
        if (t != LEAK_NO_CHANGE)
                emit(g, r, w->path, "working set", t, &f, v->d.working_set, v->stats.limit);
}

static uint64_t cap_of(const struct rule *r) {
        return r->leak.warn_within_ns ? r->leak.window_ns / TREND_BUCKETS / 4 : UINT64_MAX;
}

uint64_t trend_watch_poll_cap_ns(const struct guard *g) {
        uint64_t cap = g->policy.has_global ? cap_of(&g->policy.global) : UINT64_MAX;
        for (size_t i = 0; i < g->policy.n_cgroups; i++) {
                uint64_t c = cap_of(&g->policy.cgroups[i]);
                cap = c < cap ? c : cap;
        }
        return cap;
}

void trend_watch_tick(struct guard *g, uint64_t now) {
        refit_some(g);
        watch_machine(g, now);
        for (size_t i = 0; i < g->cgroups.n; i++)
                watch_cgroup(g, i, now);
}
