/* The leak warning's episode and its words. Pure, no allocation.
 *
 * Once per episode: it fires when the forecast time to the limit is
 * below the horizon. A steady leak's forecast shrinks by itself as time
 * passes; that is no news. It fires again (worse) only when the forecast
 * halves against that countdown: the limit is now expected in half the
 * time that was left at the last warning (the leak got twice as fast).
 * It ends when the trend ended: no trend any more (not growing, a drop,
 * the cgroup recreated) or a forecast beyond twice the horizon; between
 * one and two horizons the episode stays open (hysteresis), so a
 * forecast wandering around the horizon warns once. */
#include <stdio.h>

#include "policy/leak_warn.h"
#include "util.h"

int leak_episode_step(struct leak_episode *e, const struct leak_rule *r, const struct trend_forecast *f,
                      uint64_t now_ns) {
        if (!r->warn_within_ns) {
                *e = (struct leak_episode){ 0 };
                return LEAK_NO_CHANGE;
        }
        double horizon_s = (double)r->warn_within_ns / (double)NSEC_PER_SEC;
        double ttl = f->valid && f->growing ? f->time_to_limit_s : -1;
        if (ttl < 0 || ttl > 2 * horizon_s) {
                if (!e->active)
                        return LEAK_NO_CHANGE;
                e->active = false;
                return WARNING_CLEARED;
        }
        if (ttl > horizon_s)
                return LEAK_NO_CHANGE; /* open or not, the hysteresis band */
        if (!e->active) {
                *e = (struct leak_episode){ .active = true, .fired_ttl_s = ttl, .fired_ns = now_ns };
                return WARNING_FIRED;
        }
        double left = e->fired_ttl_s - (double)(now_ns - e->fired_ns) / (double)NSEC_PER_SEC;
        if (ttl > left / 2)
                return LEAK_NO_CHANGE;
        e->fired_ttl_s = ttl;
        e->fired_ns = now_ns;
        return WARNING_REFIRED;
}

/* "45 s", "12 min", "26 h", "3.5 d". */
static const char *format_span(char *buf, size_t size, double s) {
        if (s < 120)
                snprintf(buf, size, "%.0f s", s);
        else if (s < 2 * 3600)
                snprintf(buf, size, "%.0f min", s / 60);
        else if (s < 3 * 86400)
                snprintf(buf, size, "%.0f h", s / 3600);
        else
                snprintf(buf, size, "%.1f d", s / 86400);
        return buf;
}

/* The slope in the unit that makes it a readable number: MiB/h for a
 * slow leak, MiB/s for a fast one. */
static const char *format_rate(char *buf, size_t size, double bytes_per_s) {
        static const struct {
                const char *unit;
                double s;
        } units[] = { { "s", 1 }, { "min", 60 }, { "h", 3600 } };
        size_t u = 0;
        while (u + 1 < ELEMENTSOF(units) && bytes_per_s * units[u].s < 1024 * 1024)
                u++;
        char b[32];
        double per = bytes_per_s * units[u].s;
        snprintf(buf, size, "%s/%s", format_bytes(b, sizeof(b), per > 0 ? (uint64_t)per : 0), units[u].unit);
        return buf;
}

void leak_warning_text(char *buf, size_t size, const char *what, const struct trend_forecast *f, uint64_t level,
                       uint64_t limit, int transition, const struct leak_rule *r) {
        char a[32], b[32], rate[48], span[24], ttl[24], horizon[24];
        int n = snprintf(buf, size, "%s %s of %s", what, format_bytes(a, sizeof(a), level),
                         format_bytes(b, sizeof(b), limit));
        if (n < 0 || (size_t)n >= size)
                return;
        buf += n;
        size -= (size_t)n;
        if (!f->valid) {
                snprintf(buf, size, ", no trend any more (it dropped, or the cgroup was recreated)");
                return;
        }
        if (!f->growing) {
                snprintf(buf, size, ", no longer growing over the last %s", format_span(span, sizeof(span), f->span_s));
                return;
        }
        format_rate(rate, sizeof(rate), f->slope);
        format_span(span, sizeof(span), f->span_s);
        format_span(ttl, sizeof(ttl), f->time_to_limit_s);
        if (f->time_to_limit_s < 0)
                snprintf(buf, size, ", growing %s over the last %s, no limit", rate, span);
        else if (transition == WARNING_CLEARED)
                snprintf(buf, size, ", growing %s over the last %s: limit in about %s, beyond twice the horizon of %s",
                         rate, span, ttl, format_span(horizon, sizeof(horizon), (double)r->warn_within_ns / 1e9));
        else
                snprintf(buf, size, ", growing %s over the last %s: limit in about %s", rate, span, ttl);
}
