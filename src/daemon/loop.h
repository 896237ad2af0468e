/* The foreground daemon loop: ppoll() on the signalfd, the kernel event
 * fds (wakeups.h) and the proc connector; a tick on each memory wakeup
 * and at least every interval. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "guard.h"

struct loop_options {
        const char *config_path;
        uint64_t max_ticks; /* 0 = run until SIGTERM/SIGINT (tests use N) */
        bool lock_memory;   /* mlockall + oom_score_adj -1000 (live root) */
};

/* Runs until stopped. Returns 0 or -errno. */
int loop_run(struct guard *g, const struct loop_options *o);

/* Block the signals the loop takes (into *mask); main calls it early as
 * PID 1, where an unblocked one would be lost. Returns 0 or -errno. */
int loop_block_signals(sigset_t *mask);
