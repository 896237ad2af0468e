/* The kernel's process events connector (netlink CN_PROC): fork, exec,
 * uid change, comm change and exit of every process, as they happen.
 * Needs CAP_NET_ADMIN in the initial network namespace; inside a
 * container's own network namespace the kernel refuses it and callers
 * fall back to scanning /proc. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pc_kind { PC_FORK, PC_EXEC, PC_UID, PC_COMM, PC_EXIT };

struct pc_event {
        enum pc_kind kind;
        uint64_t timestamp_ns;         /* kernel's ktime (CLOCK_MONOTONIC) */
        pid_t pid, tgid;               /* the process (thread) concerned */
        pid_t parent_pid, parent_tgid; /* PC_FORK, PC_EXIT: the parent */
        uid_t uid;                     /* PC_UID: new effective uid */
        int exit_code, exit_signal;    /* PC_EXIT: wait status and signal */
};

typedef void (*pc_event_fn)(const struct pc_event *ev, void *userdata);

/* Opens, binds and subscribes. Returns a non-blocking fd or -errno. */
int proc_connector_open(void);

/* Reads every datagram waiting on fd and calls fn per event. Returns the
 * number of events, or -errno (-ENOBUFS: the kernel dropped events, the
 * caller should rescan /proc). */
int proc_connector_drain(int fd, pc_event_fn fn, void *userdata);

/* Pure: parse one netlink datagram (any alignment). Unknown event kinds
 * are skipped.
 * Returns the number of events or -EBADMSG. */
int parse_proc_connector(const void *buf, size_t len, pc_event_fn fn, void *userdata);
