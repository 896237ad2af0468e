/* Prometheus metrics: the counters the daemon keeps (fixed-size tables,
 * updated from the tick with no allocation) and the text exposition
 * format, written into a caller's buffer from plain data. Pure: no I/O
 * (the file is metrics_file.h). Label values are escaped (\\, \", \n)
 * and made valid UTF-8: a cgroup's name may hold any byte. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outputs/warning.h"
#include "snapshot/snapshot.h"

/* What came of one run of an actuator, derived from its return value:
 * 0 done (every victim gone), ACTION_PENDING pending, ACTION_RECLAIMED
 * reclaimed (reclaim_first brought the cgroup back: no kill), -ESRCH no-victim,
 * another -errno failed; a dry run (or --dry-run) is dry-run whatever it
 * returned. A warn rule's run is done. */
enum metrics_outcome {
        METRICS_DONE,
        METRICS_PENDING,
        METRICS_NO_VICTIM,
        METRICS_FAILED,
        METRICS_DRY_RUN,
        METRICS_RECLAIMED,
        _METRICS_OUTCOME_MAX
};
const char *metrics_outcome_to_string(enum metrics_outcome o);

#define METRICS_ACTIONS_MAX 8 /* >= _ACTION_MAX (policy.h) */
#define METRICS_RULES_MAX 64  /* rule names kept; more: folded into "(other)" */
#define METRICS_KERNEL_CGROUPS_MAX \
        128                     /* cgroups with kernel kills kept; more: the least recent folded into "(other)" */
#define METRICS_NAME_MAX 128    /* a rule's name, longer is cut */
#define METRICS_CGROUP_MAX 512  /* a cgroup's path, longer is cut */
#define METRICS_OTHER "(other)" /* the label value of what was folded at a bound */

/* oomguard_tick_duration_seconds: upper bounds in seconds, then +Inf. A
 * tick is ~0.1-1 ms; one that kills waits for the victim (kill_timeout). */
#define METRICS_TICK_BUCKETS 14
extern const double metrics_tick_bounds[METRICS_TICK_BUCKETS];

struct metrics_rule {
        char name[METRICS_NAME_MAX];
        int action;        /* the rule's action in the running policy, -1 = none (gone) */
        uint64_t last_use; /* for eviction at the bound */
        uint64_t actions[METRICS_ACTIONS_MAX][_METRICS_OUTCOME_MAX];
        uint64_t warnings[_WARNING_KIND_MAX];
};

struct metrics_kernel_kills {
        char cgroup[METRICS_CGROUP_MAX];
        uint64_t last_use, kills;
};

struct metrics_counters {
        uint64_t seq;                                 /* a clock for last_use */
        struct metrics_rule rules[METRICS_RULES_MAX]; /* the last one is "(other)" once the table is full */
        size_t n_rules;
        struct metrics_kernel_kills kernel[METRICS_KERNEL_CGROUPS_MAX];
        size_t n_kernel;
        uint64_t tick_buckets[METRICS_TICK_BUCKETS]; /* not cumulative: the formatter adds them up */
        uint64_t tick_count;
        double tick_sum_s;
        /* oomguard_tick_gap_max_seconds: the longest time between the
         * starts of two consecutive ticks since the file was last written
         * (a stall of the guard shows here, not in a tick's duration) */
        uint64_t tick_last_start_ns, tick_gap_max_ns;
};

void metrics_counters_init(struct metrics_counters *c);
/* The running policy's rules: each one's action, so that its counters
 * are written (as 0) before they first move; rules no longer in it keep
 * their counts (counters never go back) with action -1. */
void metrics_rules_begin(struct metrics_counters *c);
void metrics_rule_declare(struct metrics_counters *c, const char *rule, int action);
void metrics_count_action(struct metrics_counters *c, const char *rule, int action, enum metrics_outcome o);
void metrics_count_warning(struct metrics_counters *c, const char *rule, enum warning_kind k);
void metrics_count_kernel_kill(struct metrics_counters *c, const char *cgroup);
void metrics_observe_tick(struct metrics_counters *c, uint64_t ns);
/* A tick started at start_ns (CLOCK_MONOTONIC): the gap since the last
 * start counts towards the gauge; metrics_tick_gap_reset() after each
 * write of the file starts the next interval's maximum. */
void metrics_observe_tick_start(struct metrics_counters *c, uint64_t start_ns);
void metrics_tick_gap_reset(struct metrics_counters *c);

/* Where a view's labels are in the text already written: the first
 * family's, copied into the others (escaping and the container/pod
 * parse are most of the cost, once a view instead of once a sample). */
struct metrics_label_ref {
        uint32_t off, len; /* len 0: not written (yet) */
};

/* What one write shows: the tick's views (only the valid ones are
 * written), the machine, the counters, and the names of the actions
 * (action_kind_to_string() of 0.._ACTION_MAX-1). */
struct metrics_input {
        const struct cgroup_view *views;
        size_t n_views;
        struct metrics_label_ref *labels; /* n_views of scratch, or NULL: each sample's labels made anew */
        const struct machine_view *machine;
        const struct metrics_counters *counters;
        const char *const *action_names;
        size_t n_actions;
        const char *version;
};

/* The exposition text into buf (size bytes, NUL-terminated when size >
 * 0). Returns the length it needs without the NUL, as snprintf does: a
 * return >= size means it was cut (grow the buffer and call again). */
size_t metrics_format(const struct metrics_input *in, char *buf, size_t size);

/* One label value, escaped, into out (size > 0, always NUL-terminated,
 * cut on a whole character). Returns the length written. */
size_t metrics_escape_label(const char *s, char *out, size_t size);
