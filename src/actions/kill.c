/* pidfd signalling: pidfd_send_signal, process_mrelease, poll for exit. */
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>

#include "actions/kill.h"
#include "outputs/notify.h"
#include "util.h"

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_process_mrelease
#define SYS_process_mrelease 448
#endif

static int send_signal(int pidfd, int sig) {
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
                return -errno;
        return 0;
}

/* A pidfd becomes readable when the process exits. The wait is cut into
 * half seconds with a watchdog ping between them: a long kill_grace must
 * not get the guard restarted by its service manager mid-kill. */
static bool wait_exit(int pidfd, uint64_t timeout_ns) {
        uint64_t deadline = now_ns() + timeout_ns;
        for (;;) {
                uint64_t now = now_ns();
                if (now >= deadline)
                        return false;
                struct pollfd p = { .fd = pidfd, .events = POLLIN };
                int ms = (int)((deadline - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
                if (ms > 500) {
                        ms = 500;
                        notify_watchdog();
                }
                int r = poll(&p, 1, ms);
                if (r > 0)
                        return true;
                if (r < 0 && errno != EINTR)
                        return false;
        }
}

int victim_signal(const char *root, const struct victim *v, int sig) {
        if (v->pidfd < 0)
                return -EBADF;
        if (!victim_is_same_process(root, v->pid, v->starttime))
                return -ESRCH;
        return send_signal(v->pidfd, sig);
}

static int kill_now(const struct victim *v, struct kill_result *res) {
        int r = send_signal(v->pidfd, SIGKILL);
        if (r < 0)
                return r;
        res->sent_kill = true;
        /* Reap the address space now instead of when the victim gets to
         * run its exit path (it may be stuck in reclaim). */
        res->mreleased = syscall(SYS_process_mrelease, v->pidfd, 0) == 0;
        return 0;
}

int victim_kill(const char *root, const struct victim *v, uint64_t grace_ns, uint64_t timeout_ns,
                struct kill_result *ret) {
        struct kill_result res = { 0 };
        if (v->pidfd < 0)
                return -EBADF;
        /* The pidfd pins the process, the start time proves it is the one
         * we chose (not a reuse of its pid before the pidfd was opened). */
        if (!victim_is_same_process(root, v->pid, v->starttime))
                return -ESRCH;
        uint64_t t0 = now_ns();
        int r;
        if (grace_ns > 0) {
                if ((r = send_signal(v->pidfd, SIGTERM)) < 0)
                        return r;
                res.sent_term = true;
                res.exited = wait_exit(v->pidfd, grace_ns);
        }
        if (!res.exited) {
                if ((r = kill_now(v, &res)) < 0 && r != -ESRCH)
                        return r;
                res.exited = wait_exit(v->pidfd, timeout_ns);
        }
        res.exit_ns = now_ns() - t0;
        *ret = res;
        return 0;
}
