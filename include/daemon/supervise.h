/* Supervisors at run time: restart loops (a parent re-forking children
 * that keep being killed) and zombie factories (a parent that never reaps
 * its children), fed by process events or /proc scans. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sources/proc_connector.h"
#include "util.h"

struct guard;
struct supervisor_query;

#define ZOMBIE_SUSPECTS 64
#define SCAN_CHILDREN 1024   /* children of supervisors followed by /proc passes */
#define ZOMBIE_CHECK_NS (200 * NSEC_PER_MSEC)

int supervise_init(struct guard *g);     /* allocates the tracker */
void supervise_free(struct guard *g);
bool supervise_wants_events(const struct guard *g);

/* Connector events: exits by signal, execs (restarts), exits (zombies). */
void supervise_on_event(struct guard *g, const struct pc_event *ev);
/* From the tick: check zombie suspects; full /proc pass when scan is true. */
void supervise_tick(struct guard *g, uint64_t now, bool scan);

/* oomguard killed v: a death its parent may answer with a restart. */
struct victim;
void supervise_on_kill(const struct victim *v, void *guard);

/* For supervisor_first: did this parent re-fork a killed child lately? */
bool supervise_restarted(pid_t pid, uint64_t start, void *guard);

/* The /proc-pass fallback (supervise_scan.c): compare supervisors'
 * children with the previous pass; on_start is called for each new one. */
int supervise_scan_init(struct guard *g);
void supervise_scan_restarts(struct guard *g, uint64_t now,
                             void (*on_start)(struct guard *, pid_t, uint64_t, const char *, uint64_t));

/* From guard_proc_rescan: the fallback pass when there is no connector. */
void supervise_scan(struct guard *g, uint64_t now);

/* The [supervisor:] rules of the running policy, as a query. */
#include "actions/family.h"
struct supervisor_query supervise_query(const struct guard *g);
