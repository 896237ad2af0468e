/* The guard's side of the hooks (see outputs/hook.h): spawning the hook
 * runner, one message per event, reload, stop. hook_notify runs right
 * after an action: it must not block, allocate or fork. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hook_msg.h"
#include "outputs/log.h"
#include "util.h"

#define RUNNER_FD SPAWN_FIRST_FD /* the runner's end, as the runner sees it */

void hook_runner_init(struct hook_runner *hr) { *hr = (struct hook_runner){ .pidfd = -1, .fd = -1 }; }

/* A vfork, then exec: the child keeps 0, 1, 2 and its end of the socket
 * as fd 3, no signal blocked or ignored. */
static int spawn_runner(int child_end, pid_t *ret_pid) {
        char fd_arg[12];
        snprintf(fd_arg, sizeof(fd_arg), "%d", RUNNER_FD);
        char *argv[] = { "oomguard", "--hook-runner", fd_arg, NULL };
        return spawn_self(argv, &child_end, 1, ret_pid);
}

static bool send_config(struct hook_runner *hr) {
        struct hook_msg m;
        hook_msg_config(&m, hr->path, hr->timeout_ns, log_to_journal(), log_is_verbose());
        return send(hr->fd, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)sizeof(m);
}

/* Spawns a runner for hr->path; hr has none. */
static int spawn(struct hook_runner *hr) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
                return log_error_errno(-errno, "hook: socketpair: %m");
        int child_end = sv[1];
        pid_t pid;
        int r = spawn_runner(child_end, &pid);
        close(child_end);
        if (r < 0) {
                close(sv[0]);
                return log_error_errno(r, "hook: cannot start the hook runner: %m");
        }
        hr->pid = pid;
        hr->fd = sv[0];
        hr->broken = false;
        hr->pidfd = (int)syscall(SYS_pidfd_open, pid, 0); /* our unreaped child: the pid is still its */
        if (hr->pidfd < 0 || !send_config(hr)) {
                r = -errno;
                hook_runner_stop(hr);
                return log_error_errno(r, "hook: cannot hand the hook runner its configuration: %m");
        }
        log_debug("hook: runner pid %d for %s", (int)pid, hr->path);
        return 0;
}

int hook_runner_start(struct hook_runner *hr, const char *hook_path, uint64_t timeout_ns) {
        if (hr->pid > 0)
                hook_runner_stop(hr);
        const struct hook_runner counts = *hr; /* kept across restarts */
        hook_runner_init(hr);
        hr->sent = counts.sent;
        hr->dropped = counts.dropped;
        hr->restarts = counts.restarts;
        if (!hook_path || !*hook_path)
                return 0;
        if (strlen(hook_path) >= sizeof(hr->path) || hook_path[0] != '/')
                return log_error_errno(-EINVAL, "hook: \"%s\" is not an absolute path shorter than %zu", hook_path,
                                       sizeof(hr->path));
        snprintf(hr->path, sizeof(hr->path), "%s", hook_path);
        hr->timeout_ns = timeout_ns;
        return spawn(hr);
}

int hook_runner_reload(struct hook_runner *hr, const char *hook_path, uint64_t timeout_ns) {
        if (!hook_path || !*hook_path) {
                hook_runner_stop(hr);
                hr->path[0] = '\0';
                return 0;
        }
        if (hr->pid <= 0 || strlen(hook_path) >= sizeof(hr->path))
                return hook_runner_start(hr, hook_path, timeout_ns);
        if (strcmp(hr->path, hook_path) == 0 && hr->timeout_ns == timeout_ns)
                return hook_runner_ensure(hr) < 0 ? -EIO : 0;
        snprintf(hr->path, sizeof(hr->path), "%s", hook_path);
        hr->timeout_ns = timeout_ns;
        if (!hr->broken && send_config(hr))
                return 0;
        return hook_runner_start(hr, hook_path, timeout_ns); /* full or gone: a fresh one */
}

static void log_exit(pid_t pid, int status) {
        if (WIFSIGNALED(status))
                log_warning("hook: the hook runner (pid %d) was killed by signal %d", (int)pid, WTERMSIG(status));
        else
                log_warning("hook: the hook runner (pid %d) exited with status %d", (int)pid, WEXITSTATUS(status));
}

int hook_runner_ensure(struct hook_runner *hr) {
        if (!hr->path[0])
                return 0;
        if (hr->pid > 0) {
                struct pollfd p = { .fd = hr->pidfd, .events = POLLIN };
                if (!hr->broken && poll(&p, 1, 0) == 0)
                        return 0;
                int status = 0;
                if (poll(&p, 1, 0) == 1 && waitpid(hr->pid, &status, WNOHANG) == hr->pid) {
                        log_exit(hr->pid, status);
                        /* Reaped: its pid may go to anyone now (as PID 1,
                         * to an orphan of ours that stop() would wait for). */
                        close(hr->pidfd);
                        hr->pidfd = -1;
                        hr->pid = 0;
                }
        }
        /* A runner that dies at once, or cannot be started, is not
         * retried at every call: once a second, every 10 s after a failure. */
        uint64_t now = now_ns();
        if (now < hr->next_try_ns)
                return 0;
        char path[HOOK_PATH_MAX];
        snprintf(path, sizeof(path), "%s", hr->path);
        hr->restarts++;
        log_warning("hook: restarting the hook runner (%" PRIu64 " restarts, %" PRIu64 " events dropped so far)",
                    hr->restarts, hr->dropped);
        int r = hook_runner_start(hr, path, hr->timeout_ns);
        hr->next_try_ns = now + (r < 0 ? 10 : 1) * NSEC_PER_SEC;
        return r < 0 ? r : 1;
}

void hook_notify(struct hook_runner *hr, const struct report *r, const char *report_path) {
        if (!hr->path[0])
                return;
        struct hook_msg m;
        hook_msg_event(&m, r, report_path);
        if (hr->fd >= 0 && !hr->broken && send(hr->fd, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL) == sizeof(m)) {
                hr->sent++;
                return;
        }
        int e = hr->fd < 0 ? ENOTCONN : errno;
        if (e != EAGAIN && e != EWOULDBLOCK && e != ENOBUFS)
                hr->broken = true; /* EPIPE, ECONNRESET: restarted by hook_runner_ensure */
        hr->dropped++;
        if (hook_log_nth(hr->dropped))
                log_warning("hook: event %s not handed to the hook runner: %s (%" PRIu64 " dropped so far)",
                            r->id[0] ? r->id : "(no id)", strerror(e), hr->dropped);
}

void hook_runner_stop(struct hook_runner *hr) {
        if (hr->fd >= 0)
                close(hr->fd); /* EOF: the runner kills its hooks and exits */
        hr->fd = -1;
        if (hr->pid > 0) {
                struct pollfd p = { .fd = hr->pidfd, .events = POLLIN };
                /* It waits up to 1 s for its killed hooks: a little more. */
                if (hr->pidfd >= 0 && poll(&p, 1, 1500) == 0) {
                        log_warning("hook: the hook runner (pid %d) did not exit: killing it", (int)hr->pid);
                        syscall(SYS_pidfd_send_signal, hr->pidfd, SIGKILL, NULL, 0);
                }
                while (waitpid(hr->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        if (hr->pidfd >= 0)
                close(hr->pidfd);
        hr->pidfd = -1;
        hr->pid = 0;
        hr->broken = false;
}
