/* Process events for the policy stages that follow processes (oom_score_adj
 * rules, supervisors and restart loops): the proc connector when the kernel
 * allows it, a /proc rescan otherwise or after lost events. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#include "sources/proc_connector.h"

struct guard;

/* Does the policy need process events at all? (Keeps a host's fork/exec
 * stream from waking the guard when no rule cares.) */
bool guard_wants_proc_events(const struct guard *g);

/* Open the connector (guard_arm); remembers whether it is in use. */
void proc_events_open(struct guard *g);
void proc_events_close(struct guard *g);

/* The loop calls this when the connector fd is readable. */
void proc_events_dispatch(struct guard *g);

/* Events wait in the connector's socket (not dispatched yet). */
bool proc_events_pending(const struct guard *g);

/* One event, to every stage that follows processes. */
void guard_on_proc_event(const struct pc_event *ev, void *guard);

/* Events were lost (or there is no connector): every stage rescans /proc. */
void guard_proc_rescan(struct guard *g);

#define PROC_SCAN_FALLBACK_NS (1 * NSEC_PER_SEC)

/* How often guard_proc_rescan runs from the tick. */
uint64_t proc_scan_interval_ns(const struct guard *g);

/* "proc connector" or "/proc scan every Ns", for --status. */
const char *proc_events_mode(const struct guard *g);
