/* What the loop polls: the signalfd plus every kernel event armed for the
 * policy (see sources/triggers.h), and why the last wakeup happened. */
#pragma once

#include <poll.h>
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
};

struct wakeup {
        enum wakeup_kind kind;
        int cgroup; /* index in the watched set, -1 = machine */
};

struct wakeups {
        struct pollfd *pfds;
        struct wakeup *what; /* what each pollfd is */
        size_t n, cap, cap_what;
        int machine_psi_fd; /* -1 = none */
        uint64_t machine_psi_window_us;
};

const char *wakeup_kind_to_string(enum wakeup_kind k);

struct guard;
struct watched_cgroup;
struct memcg_stats;

/* Arm (or re-arm after a limit change) the wakeups of one cgroup; true
 * when it registered something with the kernel (slow: ~10 ms each). */
bool wakeups_arm_cgroup(struct guard *g, struct watched_cgroup *w, const struct memcg_stats *st);
/* Arm the machine-wide PSI trigger for [global]. */
void wakeups_arm_machine(struct guard *g);
/* Size the arrays for the watched set (allocates). */
int wakeups_reserve(struct guard *g);
/* Refill the pollfd array from what is armed (no allocation). */
void wakeups_fill(struct guard *g, int signal_fd);
void wakeups_free(struct wakeups *wk);
