/* The foreground daemon loop: poll() on signals (and, later, kernel event
 * fds), tick on wakeup or after the fallback interval. */
#pragma once

#include <stdint.h>

#include "daemon/guard.h"

struct loop_options {
        const char *config_path;
        uint64_t max_ticks;      /* 0 = run until SIGTERM/SIGINT (tests use N) */
        bool lock_memory;        /* mlockall + oom_score_adj -1000 (live root) */
};

/* Runs until stopped. Returns 0 or -errno. */
int loop_run(struct guard *g, const struct loop_options *o);

/* Load the config into *ret; on error print every error and return it
 * (used at start, on SIGHUP and by --check-config). */
int load_policy(const char *path, struct policy *ret);

/* SIGHUP: load path; on success swap it in, on failure keep the old one. */
void reload_policy(struct guard *g, const char *path);
