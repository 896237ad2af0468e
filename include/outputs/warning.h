/* Early warnings: what oomguard sees coming before any threshold acts
 * (a leak's forecast, a storm of limit hits) and the end of each. One
 * shape for every kind, so that the journal, the reports, the hook and
 * the metrics say them the same way. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum warning_kind {
        WARNING_LEAK,    /* the working set's trend reaches the limit within the horizon */
        WARNING_FAILCNT, /* v1 memory.failcnt / v2 memory.events "max": limit hits */
        WARNING_HIGH,    /* v2 memory.events "high": throttled over memory.high */
        WARNING_OOM,     /* v2 memory.events "oom": the limit could not be met */
        _WARNING_KIND_MAX
};
/* "leak", "failcnt", "high", "oom": the metrics' and the journal's kind. */
const char *warning_kind_to_string(enum warning_kind k);

enum warning_transition {
        WARNING_FIRED,   /* a new episode */
        WARNING_REFIRED, /* the same episode, worse (a leak's forecast halved) */
        WARNING_CLEARED, /* back to normal: the episode ended */
};
const char *warning_transition_to_string(enum warning_transition t);

#define WARNING_TEXT_MAX 320

struct warning_event {
        const char *rule;   /* the rule's name */
        const char *cgroup; /* "/a/b"; NULL = the machine */
        enum warning_kind kind;
        enum warning_transition transition;
        /* The human line, without the rule and cgroup: "working set 2.1
         * GiB of 3.0 GiB, growing 35 MiB/h over the last 6 h: limit in
         * about 26 h". */
        char text[WARNING_TEXT_MAX];
        double value;           /* leak: bytes per second; others: events per second */
        double threshold;       /* what value was compared with (leak: the horizon, s) */
        double time_to_limit_s; /* leak: the forecast; < 0 = none */
        uint64_t working_set, limit;
};

/* The journal event (MSGID_WARNING, MSGID_WARNING_CLEARED) with its
 * OOMGUARD_* fields. Sanitizes the cgroup path. No allocation. */
void warning_log(const struct warning_event *e);
