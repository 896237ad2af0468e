/* What the loop waits on: the signalfd plus every kernel event armed for
 * the policy (see sources/triggers.h), and why the last wakeup happened. */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wakeup_kind {
        WAKE_TIMEOUT = 0, /* the fallback poll interval ran out */
        WAKE_SIGNAL,
        WAKE_MACHINE_PSI,  /* trigger on /proc/pressure/memory */
        WAKE_V1_THRESHOLD, /* memcg v1 usage eventfd */
        WAKE_CGROUP_PSI,   /* trigger on a cgroup's memory.pressure */
        WAKE_V2_EVENTS,    /* memory.events changed */
        WAKE_PROC_EVENTS,  /* proc connector: fork/exec/exit */
        WAKE_V1_OOM,       /* memcg v1 OOM eventfd (oom_handler) */
        WAKE_V2_TRIPWIRE,  /* memory.events "high" rose at our memory.high tripwire */
        WAKE_V1_PRESSURE,  /* memcg v1 memory.pressure_level: reclaim began (no PSI there) */
        WAKE_KMSG,         /* /dev/kmsg: a record (kernel OOM kills: reports.c) */
        WAKE_APP_EXIT,     /* --sidecar=PROGRAM: the app's anchor exited (sidecar_app.c) */
};

struct wakeup {
        enum wakeup_kind kind;
        int cgroup; /* index in the watched set, -1 = machine */
};

struct wakeups {
        /* The list wanted for the next wait, and the one registered with
         * the epoll set (swapped after each fill); sized at rescan. */
        struct pollfd *pfds;
        struct wakeup *what; /* what each pollfd is */
        size_t n, cap, cap_what;
        struct pollfd *reg;
        struct wakeup *reg_what;
        size_t n_reg, cap_reg, cap_reg_what;
        int epfd;
        bool has_epfd;
        bool rebuild;                  /* an fd may have been reopened under its old number */
        unsigned long generation_seen; /* of the watched set the registered list comes from */
        int machine_psi_fd;            /* -1 = none */
        uint64_t machine_psi_window_us;
        uint64_t quiet_until_ns; /* the first resting chatty fd is wanted again (0: none) */
        int *close_fds;          /* for wakeups_release_slow */
        size_t cap_close;
        /* Arming (tick_state.c): since when (start, reload; 0 = reported),
         * how many v1 thresholds still wait, and the poll period chosen. */
        uint64_t arm_since_ns;
        size_t arm_pending;
        uint64_t poll_ns;
        bool calm; /* the poll is at its ceiling: everything is far from its threshold */
};

/* Registering a batch costs about one RCU grace period (~15-35 ms). */
#define WAKE_ARM_BATCH 64

const char *wakeup_kind_to_string(enum wakeup_kind k);

struct guard;
struct epoll_event;

/* Arm what is missing: the cheap registrations of every watched cgroup,
 * and the v1 usage thresholds of up to WAKE_ARM_BATCH of them, closest to
 * their level first, in parallel. Returns how many thresholds still wait. */
size_t wakeups_arm_cgroups(struct guard *g);
/* Arm the machine-wide PSI trigger for [global]. */
void wakeups_arm_machine(struct guard *g);
/* Close the registrations whose close waits for the kernel (PSI
 * triggers), many at once; before a reload or stop disarms them one by
 * one. They are armed again by the next tick. */
void wakeups_release_slow(struct guard *g);
/* Size the arrays for the watched set (allocates). */
int wakeups_reserve(struct guard *g);
/* Bring the epoll set in step with what is armed (no allocation). */
int wakeups_fill(struct guard *g, int signal_fd);
/* Wait up to timeout_ns; the number of events, or -errno. */
int wakeups_wait(struct wakeups *wk, uint64_t timeout_ns, struct epoll_event *evs, int max);
/* What an event's data names, and its fd. */
struct wakeup wakeup_unpack(uint64_t data, int *ret_fd);
void wakeups_free(struct wakeups *wk);
