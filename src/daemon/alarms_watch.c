/* Limit-hit alarms: the tick's side (see alarms_watch.h). A cold cgroup
 * (snapshot/cgroup_read.c) is not read in full, so its counters are fed
 * only when a full read happened (prev_ns moved): a gap makes the next
 * window longer, its rate an average, and nothing is missed (the
 * counters are cumulative). A cgroup hitting its limit is never cold: it
 * is at its limit, above any wake level, and v2's memory.high counts. */
#include "alarms_watch.h"
#include "guard.h"
#include "warnings.h"

static const enum warning_kind warning_of[_ALARM_KIND_MAX] = {
        [ALARM_FAILCNT] = WARNING_FAILCNT,
        [ALARM_HIGH] = WARNING_HIGH,
        [ALARM_OOM] = WARNING_OOM,
};

static uint64_t counter_of(const struct memcg_stats *s, enum alarm_kind k) {
        switch (k) {
        case ALARM_FAILCNT:
                return s->failcnt;
        case ALARM_HIGH:
                return s->local_high;
        default:
                return s->local_oom;
        }
}

/* v1 has neither memory.high nor an OOM counter of its own (under_oom
 * is 0/1): only failcnt. */
static double threshold_of(const struct alarm_rule *a, enum alarm_kind k, enum cgroup_version v) {
        return v == CGROUP_V1 && k != ALARM_FAILCNT ? -1 : alarm_rule_threshold(a, k);
}

static void emit(struct guard *g, const struct rule *r, const struct watched_cgroup *w, const struct cgroup_view *v,
                 enum alarm_kind k, enum alarm_change c, const struct alarm_result *res, double threshold) {
        struct warning_event ev = {
                .rule = r->name,
                .cgroup = w->path,
                .kind = warning_of[k],
                .transition = c == ALARM_FIRED ? WARNING_FIRED : WARNING_CLEARED,
                .value = c == ALARM_FIRED ? res->rate : res->peak_rate,
                .threshold = threshold,
                .time_to_limit_s = -1,
                .working_set = v->d.working_set,
                .limit = v->stats.limit,
        };
        alarm_describe(k, w->files.version == CGROUP_V2, c, res, threshold, ev.text, sizeof(ev.text));
        warnings_emit(g, &ev);
}

static void watch_one(struct guard *g, size_t i) {
        struct watched_cgroup *w = &g->cgroups.items[i];
        const struct cgroup_view *v = &g->cgroups.views[i];
        if (w->vanished || !w->has_prev || w->rule_index < 0 || (size_t)w->rule_index >= g->policy.n_cgroups)
                return;
        if (w->prev_ns == w->alarms_fed_ns)
                return; /* not read in full since (cold) */
        w->alarms_fed_ns = w->prev_ns;
        const struct rule *r = &g->policy.cgroups[w->rule_index];
        for (enum alarm_kind k = 0; k < _ALARM_KIND_MAX; k++) {
                double threshold = threshold_of(&r->alarms, k, w->files.version);
                struct alarm_result res;
                enum alarm_change c = alarm_update(&w->alarms[k], threshold, r->alarms.clear_after_ns,
                                                   counter_of(&w->prev, k), w->prev_ns, &res);
                if (c != ALARM_NONE)
                        emit(g, r, w, v, k, c, &res, threshold);
        }
}

void alarms_watch_tick(struct guard *g) {
        for (size_t i = 0; i < g->cgroups.n; i++)
                watch_one(g, i);
}
