/* The forensic record, wired: one report per action and per kernel OOM
 * kill (outputs/report*.h), the hook after each (outputs/hook.h), the
 * kernel's kills from /dev/kmsg (sources/kmsg.h). Everything is
 * allocated at set-up; the report of an action is written after the
 * action, never before or during it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "outputs/hook.h"
#include "outputs/report.h"
#include "outputs/report_store.h"
#include "sources/kmsg.h"

struct guard;

/* Reports begun in one tick, written after its decisions: a report of a
 * warning or of a decision that found no victim is never written while
 * a later decision of the same tick waits to kill. */
#define REPORTS_PENDING_MAX 4

struct reports {
        struct report *report; /* REPORTS_PENDING_MAX slots; NULL: not set up */
        bool used[REPORTS_PENDING_MAX];
        size_t n_pending;
        unsigned long skipped; /* more reports in one tick than slots */
        char *json, *scratch;  /* REPORT_JSON_MAX, REPORT_GATHER_SCRATCH */
        struct report_store store;
        struct hook_runner hooks;
        /* kernel OOM kills */
        struct kmsg_reader kmsg; /* .fd -1: not watched */
        struct kmsg_oom_parser *parser;
        char *kmsg_buf;            /* KMSG_RECORD_MAX + 1 */
        uint64_t pending_since_ns; /* the parser holds a report without its kill line */
        unsigned long kernel_kills, lost_logged;
        unsigned kernel_this_turn; /* kernel kills reported in this read of /dev/kmsg */
};

/* The live daemon only (not --status, not a fixture root): buffers, the
 * report directory, the hook runner, /dev/kmsg at its end. Failures are
 * logged; the guard guards without them. */
void reports_setup(struct guard *g);
/* After a reload: the new report_dir, limits and hook. */
void reports_reload(struct guard *g);
void reports_free(struct guard *g);

/* For the action about to run: a begun report for its actuator to fill
 * (action_ctx.report), or NULL when reports are off or every slot holds
 * one. */
struct report *reports_begin_action(struct guard *g);
/* The action is done: keep its report for reports_flush (keep = false
 * gives the slot back unwritten). */
void reports_keep(struct guard *g, struct report *r, bool keep);
/* Gathers what can wait, writes each kept report, runs the hook; at the
 * end of the tick, after its decisions. read_cgroup_stats: no decision
 * read the cgroup's numbers before (a supervisor's action). */
void reports_flush(struct guard *g, bool read_cgroup_stats);

/* /dev/kmsg is readable: each kernel OOM kill becomes a log line (a
 * miss), a report and a hook run. */
void reports_read_kmsg(struct guard *g);
/* Each tick: a kernel report whose kill line never came is given out
 * after a second; a dead hook runner is restarted. */
void reports_tick(struct guard *g, uint64_t now);
