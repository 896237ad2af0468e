/* Restart-loop bookkeeping: per parent, its children that died by a
 * signal (killed by oomguard, by the kernel, or crashed), and the new
 * children it started afterwards with the same name. Fixed-size tables
 * allocated once; oldest entries are recycled. Pure: the caller feeds
 * events (from the proc connector or from /proc scans) with timestamps. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RESTART_PARENTS 128 /* parents followed at once */
#define RESTART_HISTORY 32  /* restarts remembered per parent */
#define RESTART_COMM 16

struct restart_parent {
        pid_t pid;
        uint64_t parent_start;                 /* identity of the parent */
        char died_comm[RESTART_COMM];          /* name of the last child that died by a signal */
        uint64_t died_ns;                      /* 0 = no pending death */
        uint64_t restarts_ns[RESTART_HISTORY]; /* ring of restart times */
        unsigned n_restarts;                   /* total, also the ring's write index */
        uint64_t last_seen_ns;                 /* for recycling */
        bool acted;                            /* the configured action was taken */
};

struct restart_tracker {
        struct restart_parent parents[RESTART_PARENTS];
};

/* A child of parent (with that start time) named comm died by a signal. */
void restarts_on_death(struct restart_tracker *t, pid_t parent, uint64_t parent_start, const char *comm,
                       uint64_t now_ns);

/* parent's child now runs comm (after fork+exec). When a child of the same
 * name died by a signal within window_ns before, that is a restart: the
 * number of restarts within window_ns is returned (0 = not a restart). */
unsigned restarts_on_start(struct restart_tracker *t, pid_t parent, uint64_t parent_start, const char *comm,
                           uint64_t window_ns, uint64_t now_ns);

/* Restarts of parent within window_ns before now. */
unsigned restarts_in_window(const struct restart_parent *p, uint64_t window_ns, uint64_t now_ns);

struct restart_parent *restarts_find(struct restart_tracker *t, pid_t parent, uint64_t parent_start);
