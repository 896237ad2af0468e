/* Limit-hit alarms: the rate of a cgroup's limit-hit counters (v1
 * memory.failcnt, v2 memory.events.local "max", "high", "oom") as a
 * warning with hysteresis: one warning when an episode begins, one
 * "back to normal" when it ends, nothing in between.
 *
 * Pure: counters and times in, a transition out. The rate is measured
 * over windows of at least ALARM_WINDOW_NS (ticks come 10 ms to 1 s
 * apart; one tick's delta of a bursty counter is noise), longer when
 * samples are far apart (a cold cgroup, a stalled guard): the counter
 * is cumulative, so a long window is an average, never a miss. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define ALARM_WINDOW_NS NSEC_PER_SEC
/* The episode ends once the rate stayed below this fraction of the
 * threshold for clear_after: a storm hovering around its threshold is
 * one episode, not one page per crossing. */
#define ALARM_CALM_FRACTION 0.5
#define ALARM_CLEAR_AFTER_DEFAULT_NS (60 * NSEC_PER_SEC)

enum alarm_kind {
        ALARM_FAILCNT, /* v1 memory.failcnt; v2 memory.events.local "max" */
        ALARM_HIGH,    /* v2 memory.events.local "high" */
        ALARM_OOM,     /* v2 memory.events.local "oom" */
        _ALARM_KIND_MAX
};
/* "failcnt", "high", "oom" (as the warning kinds of outputs/warning.h). */
const char *alarm_kind_to_string(enum alarm_kind k);

/* A [cgroup:] rule's alarms, independent of its thresholds and action.
 * A rate < 0 is unset; 0 means any event ("any"). */
struct alarm_rule {
        double failcnt_rate, high_rate, oom_rate; /* events per second */
        uint64_t clear_after_ns;                  /* > 0 */
};
struct alarm_rule alarm_rule_unset(void);
bool alarm_rule_any_set(const struct alarm_rule *a);
/* The threshold of kind, < 0 when unset. */
double alarm_rule_threshold(const struct alarm_rule *a, enum alarm_kind k);

/* One cgroup × kind. Zeroed = nothing seen yet. */
struct alarm_state {
        bool has_base; /* base, base_ns: where the current window began */
        bool active;   /* an episode: fired, not cleared yet */
        uint64_t base, base_ns;
        uint64_t above_since_ns; /* the rate stopped being calm (0 = it is calm) */
        uint64_t since_ns;       /* the episode fired at */
        uint64_t calm_since_ns;  /* in an episode: calm since (0 = not calm) */
        double peak_rate;        /* of the episode */
        uint64_t hits;           /* counted in the episode's windows */
};

enum alarm_change { ALARM_NONE = 0, ALARM_FIRED, ALARM_CLEARED };

struct alarm_result {
        double rate;          /* of the window that just ended */
        double peak_rate;     /* of the episode */
        uint64_t hits;        /* of the episode so far */
        uint64_t duration_ns; /* fired: how long it has not been calm; cleared: the episode */
        uint64_t calm_ns;     /* cleared: how long it has been calm */
};

/* Feed one reading of the counter, taken at now_ns (non-decreasing).
 * threshold < 0: the alarm is off (the state is forgotten, no change).
 * A counter that went backwards (the cgroup was recreated) starts a
 * new window and is never a storm. */
enum alarm_change alarm_update(struct alarm_state *s, double threshold, uint64_t clear_after_ns, uint64_t counter,
                               uint64_t now_ns, struct alarm_result *ret);

/* The human line of a transition (outputs/warning.h's text):
 * "memory.failcnt rising 850/s (warn at 10/s) for 12 s: the limit is
 * being hit", "memory.failcnt calm for 60 s (peak 1200/s, 40,120 hits in
 * the episode)". version_v2 names the v2 file. */
void alarm_describe(enum alarm_kind k, bool version_v2, enum alarm_change c, const struct alarm_result *r,
                    double threshold, char *buf, size_t size);
