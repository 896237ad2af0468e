/* Process events for the stages that follow processes (oom_score_adj
 * rules, the supervisor watch, the rankings' births): the proc connector
 * when the kernel allows it, a /proc rescan otherwise or after lost
 * events. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "guard.h"
#include "util.h"

#define PROC_SCAN_FALLBACK_NS (1 * NSEC_PER_SEC)

/* Does the policy need process events at all? (Keeps a host's fork/exec
 * stream from waking the guard when no rule cares.) */
bool proc_events_wanted(const struct guard *g);

/* Open the connector (guard_arm); remembers whether it is in use. */
void proc_events_open(struct guard *g);
void proc_events_close(struct guard *g);

/* The loop calls this when the connector fd is readable. */
void proc_events_dispatch(struct guard *g);

/* Events wait in the connector's socket (not dispatched yet). */
bool proc_events_pending(const struct guard *g);

/* Events were lost (or there is no connector): every stage rescans /proc. */
void proc_events_rescan(struct guard *g);

/* How often proc_events_rescan runs from the tick. */
uint64_t proc_events_rescan_interval_ns(const struct guard *g);

/* "proc connector", "/proc scan" or "not needed by the policy" (--status). */
const char *proc_events_mode(const struct guard *g);
