/* --reload-pid: systemd 252 has no Type=notify-reload, and an ExecReload=
 * that only sends SIGHUP returns before the reload is done (systemctl
 * reload would say "done" while the old policy still runs). This one
 * returns when the daemon is back: the SIGHUP taken off its pending set
 * and its main thread in epoll again (the loop reloads in between). */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "policy/config.h"
#include "reload_pid.h"
#include "sources/proc_pid.h"
#include "util.h"

#define RELOAD_WAIT_NS (30 * NSEC_PER_SEC)

/* "SigPnd:" / "ShdPnd:" of /proc/PID/status: is SIGHUP among them? */
static bool hup_pending(const char *status, size_t len) {
        static const char *const keys[] = { "SigPnd:", "ShdPnd:" };
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                uint64_t mask;
                if (parse_status_mask(status, len, keys[i], &mask) == 0 && (mask & (UINT64_C(1) << (SIGHUP - 1))))
                        return true;
        }
        return false;
}

/* The main thread sleeps in the loop's wait (daemon/wakeups.c). arm64 and
 * riscv64 have no epoll_wait (only epoll_pwait), and old headers lack
 * epoll_pwait2: test only the numbers this target has. */
static bool in_wait(const char *syscall_line) {
        long nr = strtol(syscall_line, NULL, 10);
#ifdef SYS_epoll_pwait2
        if (nr == SYS_epoll_pwait2)
                return true;
#endif
#ifdef SYS_epoll_wait
        if (nr == SYS_epoll_wait)
                return true;
#endif
        return nr == SYS_epoll_pwait;
}

/* 1 back, 0 not yet, -errno when /proc cannot tell. */
static int daemon_back(pid_t pid) {
        char path[64], status[8192], sc[128];
        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        ssize_t n = read_file_at("/", path, status, sizeof(status));
        if (n < 0)
                return (int)n;
        if (hup_pending(status, (size_t)n))
                return 0;
        snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
        n = read_file_at("/", path, sc, sizeof(sc));
        if (n < 0)
                return (int)n;
        return in_wait(sc);
}

static int send_and_wait(pid_t pid) {
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0 || syscall(SYS_pidfd_send_signal, fd, SIGHUP, NULL, 0) < 0) {
                fprintf(stderr, "oomguard: --reload-pid %d: %s\n", (int)pid, strerror(errno));
                if (fd >= 0)
                        close(fd);
                return -ESRCH;
        }
        uint64_t deadline = now_ns() + RELOAD_WAIT_NS;
        int r = 0;
        while (now_ns() < deadline) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                if (poll(&p, 1, 2) == 1) { /* the pidfd is readable when it exits */
                        r = -ESRCH;
                        break;
                }
                if ((r = daemon_back(pid)) != 0)
                        break;
        }
        close(fd);
        if (r <= 0)
                fprintf(stderr, "oomguard: --reload-pid %d: %s\n", (int)pid,
                        r == 0 ? "not back in its loop after 30 s" : strerror(-r));
        return r > 0 ? 0 : r ? r : -ETIMEDOUT;
}

int reload_pid_command(const char *pid_arg, const char *path) {
        char *end;
        errno = 0;
        long pid = strtol(pid_arg, &end, 10);
        if (!*pid_arg || *end || errno || pid <= 1) {
                fprintf(stderr, "oomguard: --reload-pid: expected a process id, got '%s'\n", pid_arg);
                return 2;
        }
        /* The same loader as the daemon's (as root: with its ownership
         * checks, which the daemon of the unit, not root, skips). A
         * refused file is never sent: the daemon keeps its policy. */
        struct policy p;
        struct config_errors errors = { 0 };
        int r = config_load(path, &p, &errors);
        config_errors_print(&errors, stderr);
        config_errors_free(&errors);
        if (r < 0) {
                fprintf(stderr, "oomguard: reload of %s refused; pid %ld keeps its running policy\n", path, pid);
                return 1;
        }
        policy_free(&p);
        return send_and_wait((pid_t)pid) < 0 ? 1 : 0;
}
