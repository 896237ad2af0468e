/* PID 1's orphans (see pid1.h). The guard's own children are waited for
 * by their owners (outputs/hook.c, outputs/metrics_server.c,
 * actions/guardian.c: a pidfd or waitpid WNOHANG, then the status
 * logged): a child spawned and waited for elsewhere must be added to
 * ours() or its status is lost. Children started and waited for within
 * one call (sources/libcgroup_child.c) are never seen here: this runs
 * from the loop, between calls. No allocation: the children list is
 * read into the guard's scratch buffer. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outputs/log.h"
#include "pid1.h"

/* Reaped per call at most: a fork storm's orphans must not hold the
 * loop. SIGCHLDs coalesce, so what is left waits for no signal: the loop
 * calls again at its next turn (pid1_reap says so). */
#define REAP_MAX 1024

bool pid1_is(void) { return getpid() == 1; }

static bool ours(const struct guard *g, pid_t pid) {
        return pid == g->reports.hooks.pid || pid == g->metrics_server.pid || pid == g->optin.guardian.pid;
}

/* Reap pid if it has exited: 1 when it was reaped, else 0. */
static int reap_one(pid_t pid) {
        siginfo_t si = { 0 };
        if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG) < 0 || si.si_pid != pid)
                return 0;
        log_debug("pid 1: reaped orphan %d (%s %d)", (int)pid, si.si_code == CLD_EXITED ? "status" : "signal",
                  si.si_status);
        return 1;
}

/* Our own exited child is first in the kernel's line (waitid would show
 * it again and again): look past it through the list of our children
 * (zombies included), reaping each that is not ours. A list longer than
 * the scratch buffer is cut at its last whole pid; the rest waits. */
static int reap_listed(struct guard *g, int budget, bool *cut) {
        /* thread-self: right even under a /proc of another pid namespace */
        _cleanup_(closep) int fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0; /* no /proc, or a kernel without CONFIG_PROC_CHILDREN */
        size_t len = 0;
        ssize_t n;
        while (len < GUARD_SCRATCH_SIZE - 1 && (n = read(fd, g->scratch + len, GUARD_SCRATCH_SIZE - 1 - len)) > 0)
                len += (size_t)n;
        *cut = len == GUARD_SCRATCH_SIZE - 1;
        while (*cut && len > 0 && g->scratch[len - 1] != ' ')
                len--; /* full: drop the pid cut in two */
        g->scratch[len] = '\0';
        int reaped = 0;
        for (char *p = g->scratch, *e; reaped < budget; p = e) {
                long pid = strtol(p, &e, 10);
                if (e == p)
                        break;
                if (pid > 0 && !ours(g, (pid_t)pid))
                        reaped += reap_one((pid_t)pid);
        }
        return reaped;
}

int pid1_reap(struct guard *g, bool *more) {
        int reaped = 0;
        bool cut = false;
        while (reaped < REAP_MAX) {
                siginfo_t si = { 0 };
                /* WNOWAIT: look without reaping, so that an exited child
                 * of ours stays for its owner's waitpid. */
                if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid <= 0)
                        break; /* ECHILD: no child; 0: none has exited */
                if (ours(g, si.si_pid)) {
                        reaped += reap_listed(g, REAP_MAX - reaped, &cut);
                        break;
                }
                if (!reap_one(si.si_pid))
                        break; /* cannot happen: it was there a moment ago */
                reaped++;
        }
        if (more)
                *more = cut || reaped >= REAP_MAX;
        return reaped;
}
