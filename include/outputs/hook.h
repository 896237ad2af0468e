/* Hooks: the admin's program ([daemon] hook) run after every event (an
 * action, a kernel OOM kill, a warning), by a separate process, the hook
 * runner, so that the guard never forks on its kill path.
 *
 * The guard starts the runner once, before any emergency: posix_spawn of
 * /proc/self/exe --hook-runner 3 (an exec: none of the guard's pages are
 * shared with it copy-on-write, and the spawn copies no page table). It
 * talks to it over a SOCK_SEQPACKET socketpair: one fixed-size message
 * per event, sent without blocking; a full socket or a dead runner costs
 * the event (counted in dropped), never a wait. The runner forks and
 * execs the hook with the event in its environment (oomguard.conf(5),
 * HOOKS), at most one at a time per rule (what arrives meanwhile is
 * counted and the newest kept for the next run), at most HOOK_RUNS_MAX
 * at once, each killed (SIGKILL to its process group) at hook_timeout.
 * It exits, killing the hooks still running, when the guard's end of the
 * socket closes: the guard stopped or died, by any means.
 *
 * The guard's loop has no descriptor to watch. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "outputs/report.h"

#define HOOK_PATH_MAX 1024 /* a hook's or a report's path; a config line is at most 1024 */
#define HOOK_RUNS_MAX 4    /* hooks running at once (of different rules) */
#define HOOK_RULES_MAX 64  /* rules with a hook running or an event waiting */

struct hook_runner {
        pid_t pid;                /* the runner; 0 = none */
        int pidfd;                /* the runner's pidfd, -1 = none */
        int fd;                   /* the guard's end of the socket, -1 = none */
        bool broken;              /* a send found the runner gone: hook_runner_ensure restarts it */
        char path[HOOK_PATH_MAX]; /* the hook; "" = none */
        uint64_t timeout_ns;
        uint64_t sent, dropped, restarts;
        uint64_t next_try_ns; /* hook_runner_ensure's next restart, CLOCK_MONOTONIC */
};

/* No runner, no hook. */
void hook_runner_init(struct hook_runner *hr);
/* Starts the runner for hook_path (absolute; checked by the loader) with
 * timeout_ns; hook_path NULL or "" stops it (no hook). Replaces a runner
 * already there. Spawns: call it at start-up, never on the kill path.
 * Returns 0 or -errno (logged). */
int hook_runner_start(struct hook_runner *hr, const char *hook_path, uint64_t timeout_ns);
/* After a reload: hands the runner a changed path or timeout (a message;
 * hooks running go on with the old one), starts it when a hook appeared,
 * stops it when the hook went. Returns 0 or -errno. */
int hook_runner_reload(struct hook_runner *hr, const char *hook_path, uint64_t timeout_ns);
/* Restarts a runner that died (it was killed, or a send found it gone)
 * or could not be started: at most once a second, every 10 s while
 * starting fails. Cheap when it is alive (one poll of its pidfd): call
 * it once a loop iteration or at each rescan, off the kill path.
 * Returns 1 restarted, 0 nothing to do (or not yet), -errno. */
int hook_runner_ensure(struct hook_runner *hr);
/* One event: report r (its kind, rule, action, reason, outcome, cgroup,
 * victim, container and pod), written at report_path (NULL or "": no
 * report file). Non-blocking, allocates nothing, forks nothing: a few
 * microseconds. A no-op without a hook; an event the runner cannot take
 * now is counted in hr->dropped (and logged, 1st, 2nd, 4th, 8th... time). */
void hook_notify(struct hook_runner *hr, const struct report *r, const char *report_path);
/* Closes the socket (the runner kills the hooks still running and exits)
 * and reaps the runner: at most 1.5 s, then SIGKILL. */
void hook_runner_stop(struct hook_runner *hr);

/* The runner's main (oomguard --hook-runner FD; any program linking the
 * library may call it the same way, as tests/helpers/hookdrive does).
 * Returns the exit status. */
int hook_runner_main(const char *fd_arg);
