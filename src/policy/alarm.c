/* Limit-hit alarms: the episode state machine and its text. Pure: no
 * clock, no I/O, no allocation (it runs in the tick). */
#include <stdio.h>

#include "policy/alarm.h"

const char *alarm_kind_to_string(enum alarm_kind k) {
        static const char *const names[_ALARM_KIND_MAX] = {
                [ALARM_FAILCNT] = "failcnt",
                [ALARM_HIGH] = "high",
                [ALARM_OOM] = "oom",
        };
        return (unsigned)k < _ALARM_KIND_MAX ? names[k] : "unknown";
}

struct alarm_rule alarm_rule_unset(void) {
        return (struct alarm_rule){
                .failcnt_rate = -1,
                .high_rate = -1,
                .oom_rate = -1,
                .clear_after_ns = ALARM_CLEAR_AFTER_DEFAULT_NS,
        };
}

double alarm_rule_threshold(const struct alarm_rule *a, enum alarm_kind k) {
        switch (k) {
        case ALARM_FAILCNT:
                return a->failcnt_rate;
        case ALARM_HIGH:
                return a->high_rate;
        case ALARM_OOM:
                return a->oom_rate;
        default:
                return -1;
        }
}

bool alarm_rule_any_set(const struct alarm_rule *a) {
        return a->failcnt_rate >= 0 || a->high_rate >= 0 || a->oom_rate >= 0;
}

static void rebase(struct alarm_state *s, uint64_t counter, uint64_t now_ns) {
        s->has_base = true;
        s->base = counter;
        s->base_ns = now_ns;
}

static enum alarm_change fire(struct alarm_state *s, double rate, uint64_t delta, uint64_t now_ns,
                              struct alarm_result *ret) {
        s->active = true;
        s->since_ns = s->above_since_ns;
        s->calm_since_ns = 0;
        s->peak_rate = rate;
        s->hits = delta;
        *ret = (struct alarm_result){
                .rate = rate, .peak_rate = rate, .hits = delta, .duration_ns = now_ns - s->since_ns
        };
        return ALARM_FIRED;
}

/* In an episode: cleared once calm (from the start of its first calm
 * window) for clear_after; any window that is not calm starts over. */
static enum alarm_change go_on(struct alarm_state *s, double rate, uint64_t delta, bool calm, uint64_t window_start,
                               uint64_t clear_after_ns, uint64_t now_ns, struct alarm_result *ret) {
        s->hits += delta;
        if (rate > s->peak_rate)
                s->peak_rate = rate;
        if (!calm) {
                s->calm_since_ns = 0;
                return ALARM_NONE;
        }
        if (!s->calm_since_ns)
                s->calm_since_ns = window_start;
        if (now_ns - s->calm_since_ns < clear_after_ns)
                return ALARM_NONE;
        *ret = (struct alarm_result){ .rate = rate,
                                      .peak_rate = s->peak_rate,
                                      .hits = s->hits,
                                      .duration_ns = now_ns - s->since_ns,
                                      .calm_ns = now_ns - s->calm_since_ns };
        s->active = false;
        s->calm_since_ns = s->since_ns = s->hits = 0;
        s->peak_rate = 0;
        return ALARM_CLEARED;
}

enum alarm_change alarm_update(struct alarm_state *s, double threshold, uint64_t clear_after_ns, uint64_t counter,
                               uint64_t now_ns, struct alarm_result *ret) {
        *ret = (struct alarm_result){ 0 };
        if (threshold < 0) { /* off (or turned off by a reload): forget it */
                *s = (struct alarm_state){ 0 };
                return ALARM_NONE;
        }
        if (!s->has_base || counter < s->base || now_ns < s->base_ns) {
                /* The first look (a counter's history is no storm), or a
                 * recreated cgroup whose counter started again from 0. */
                rebase(s, counter, now_ns);
                return ALARM_NONE;
        }
        if (now_ns - s->base_ns < ALARM_WINDOW_NS)
                return ALARM_NONE;
        uint64_t delta = counter - s->base, window_start = s->base_ns;
        double rate = (double)delta * (double)NSEC_PER_SEC / (double)(now_ns - window_start);
        rebase(s, counter, now_ns);
        ret->rate = rate;
        /* threshold 0 ("any"): one event is a storm, none is calm. */
        bool storm = threshold > 0 ? rate >= threshold : delta > 0;
        bool calm = threshold > 0 ? rate < threshold * ALARM_CALM_FRACTION : delta == 0;
        if (calm)
                s->above_since_ns = 0;
        else if (!s->above_since_ns)
                s->above_since_ns = window_start;
        if (s->active)
                return go_on(s, rate, delta, calm, window_start, clear_after_ns, now_ns, ret);
        return storm ? fire(s, rate, delta, now_ns, ret) : ALARM_NONE;
}

/* ---- the text ---- */

static void format_rate(double r, char *buf, size_t size) { snprintf(buf, size, r >= 10 ? "%.0f" : "%.2g", r); }

/* 40120 → "40,120": a person reads the size of a number at a glance. */
static void format_count(uint64_t n, char *buf, size_t size) {
        char digits[24];
        int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
        size_t o = 0;
        for (int i = 0; i < len && o + 1 < size; i++) {
                if (i && (len - i) % 3 == 0 && o + 2 < size)
                        buf[o++] = ',';
                buf[o++] = digits[i];
        }
        buf[size ? (o < size ? o : size - 1) : 0] = '\0';
}

static const char *counter_name(enum alarm_kind k, bool v2) {
        switch (k) {
        case ALARM_FAILCNT:
                return v2 ? "memory.events.local max" : "memory.failcnt";
        case ALARM_HIGH:
                return "memory.events.local high";
        default:
                return "memory.events.local oom";
        }
}

static const char *meaning(enum alarm_kind k) {
        switch (k) {
        case ALARM_FAILCNT:
                return "the limit is being hit";
        case ALARM_HIGH:
                return "throttled over memory.high";
        default:
                return "the limit could not be met: OOM";
        }
}

void alarm_describe(enum alarm_kind k, bool version_v2, enum alarm_change c, const struct alarm_result *r,
                    double threshold, char *buf, size_t size) {
        char rate[32], peak[32], at[32], warn_at[40] = "any", hits[32];
        format_rate(r->rate, rate, sizeof(rate));
        format_rate(r->peak_rate, peak, sizeof(peak));
        if (threshold > 0) {
                format_rate(threshold, at, sizeof(at));
                snprintf(warn_at, sizeof(warn_at), "%s/s", at);
        }
        format_count(r->hits, hits, sizeof(hits));
        const char *name = counter_name(k, version_v2);
        if (c == ALARM_FIRED)
                snprintf(buf, size, "%s rising %s/s (warn at %s) for %llu s: %s", name, rate, warn_at,
                         (unsigned long long)((r->duration_ns + NSEC_PER_SEC / 2) / NSEC_PER_SEC), meaning(k));
        else
                snprintf(buf, size, "%s calm for %llu s (peak %s/s, %s hits in the episode of %llu s)", name,
                         (unsigned long long)((r->calm_ns + NSEC_PER_SEC / 2) / NSEC_PER_SEC), peak, hits,
                         (unsigned long long)((r->duration_ns + NSEC_PER_SEC / 2) / NSEC_PER_SEC));
}
