/* The guard's side of metrics_listen (see outputs/metrics_server.h):
 * find, spawn, watch, replace and stop the HTTP process. Never on the
 * kill path: ensure costs one poll of a pidfd while the process lives. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outputs/log.h"
#include "outputs/metrics_server.h"
#include "util.h"

#ifndef PKGLIBDIR
#define PKGLIBDIR "/usr/local/lib/oomguard"
#endif

void metrics_server_init(struct metrics_server *ms) { *ms = (struct metrics_server){ .pidfd = -1 }; }

/* An executable regular file; as root or with capabilities (ambient ones
 * cross the exec) also owned by root and writable by no one else: the
 * guard execs it with its own privileges (it drops them only once it has
 * bound the address). */
static bool usable(const char *path) {
        struct stat st;
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
                return false;
        return !privileged() || (st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH)));
}

int metrics_server_find(char *buf, size_t size) {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
                exe[n] = '\0';
                char *slash = strrchr(exe, '/');
                if (slash) {
                        *slash = '\0';
                        if ((size_t)snprintf(buf, size, "%s/%s", exe, METRICS_HTTPD_NAME) < size && usable(buf))
                                return 0;
                }
        }
        if ((size_t)snprintf(buf, size, "%s/%s", PKGLIBDIR, METRICS_HTTPD_NAME) < size && usable(buf))
                return 0;
        return -ENOENT;
}

static int spawn_server(struct metrics_server *ms) {
        char prog[PATH_MAX], parent[16];
        if (metrics_server_find(prog, sizeof(prog)) < 0)
                return log_error_errno(-ENOENT, "metrics: %s not found next to oomguard nor in %s", METRICS_HTTPD_NAME,
                                       PKGLIBDIR);
        snprintf(parent, sizeof(parent), "%d", (int)getpid());
        char *argv[] = { METRICS_HTTPD_NAME, "--listen", ms->listen, "--file", ms->file,
                         "--user",           ms->user,   "--parent", parent,   NULL };
        pid_t pid;
        int r = spawn_program(prog, argv, NULL, 0, &pid); /* 0, 1, 2: its messages go where ours go */
        if (r < 0)
                return log_error_errno(r, "metrics: cannot start %s: %m", prog);
        ms->pid = pid;
        ms->pidfd = (int)syscall(SYS_pidfd_open, pid, 0); /* our unreaped child: the pid is still its */
        ms->started_ns = now_ns();
        if (ms->pidfd < 0) {
                r = -errno;
                metrics_server_stop(ms);
                return log_error_errno(r, "metrics: pidfd_open of the HTTP process: %m");
        }
        log_info("metrics: serving %s on http://%s/metrics (pid %d)", ms->file, ms->listen, (int)pid);
        return 0;
}

int metrics_server_start(struct metrics_server *ms, const char *listen, const char *file, const char *user) {
        if (ms->pid > 0)
                metrics_server_stop(ms);
        uint64_t restarts = ms->restarts;
        metrics_server_init(ms);
        ms->restarts = restarts;
        if (!listen || !*listen)
                return 0;
        user = user && *user ? user : "nobody";
        if (strlen(listen) >= sizeof(ms->listen) || !file || file[0] != '/' || strlen(file) >= sizeof(ms->file) ||
            strlen(user) >= sizeof(ms->user))
                return log_error_errno(-EINVAL, "metrics: cannot serve \"%s\" at \"%s\"", file ? file : "", listen);
        snprintf(ms->listen, sizeof(ms->listen), "%s", listen);
        snprintf(ms->file, sizeof(ms->file), "%s", file);
        snprintf(ms->user, sizeof(ms->user), "%s", user);
        return spawn_server(ms);
}

int metrics_server_reload(struct metrics_server *ms, const char *listen, const char *file, const char *user) {
        const char *u = user && *user ? user : "nobody";
        if (listen && *listen && file && strcmp(ms->listen, listen) == 0 && strcmp(ms->file, file) == 0 &&
            strcmp(ms->user, u) == 0)
                return metrics_server_ensure(ms) < 0 ? -EIO : 0;
        return metrics_server_start(ms, listen, file, user);
}

static void log_exit(pid_t pid, int status) {
        if (WIFSIGNALED(status))
                log_warning("metrics: the HTTP process (pid %d) was killed by signal %d", (int)pid, WTERMSIG(status));
        else
                log_warning("metrics: the HTTP process (pid %d) exited with status %d", (int)pid, WEXITSTATUS(status));
}

int metrics_server_ensure(struct metrics_server *ms) {
        if (!ms->listen[0])
                return 0;
        uint64_t now = now_ns();
        if (ms->pid > 0) {
                struct pollfd p = { .fd = ms->pidfd, .events = POLLIN };
                if (poll(&p, 1, 0) == 0)
                        return 0;
                int status = 0;
                if (waitpid(ms->pid, &status, WNOHANG) == ms->pid)
                        log_exit(ms->pid, status);
                /* One that dies within a second of its start (the address
                 * is taken, the user missing) is retried every 10 s. */
                bool at_once = now - ms->started_ns < NSEC_PER_SEC;
                close(ms->pidfd);
                ms->pidfd = -1;
                ms->pid = 0;
                ms->next_try_ns = ms->started_ns + (at_once ? 10 : 1) * NSEC_PER_SEC;
        }
        if (now < ms->next_try_ns)
                return 0;
        ms->restarts++;
        ms->started_ns = now;
        ms->next_try_ns = now + 10 * NSEC_PER_SEC; /* if it cannot even be spawned */
        log_warning("metrics: restarting the HTTP process (%" PRIu64 " restarts so far)", ms->restarts);
        return spawn_server(ms) < 0 ? -EIO : 1;
}

void metrics_server_stop(struct metrics_server *ms) {
        if (ms->pid > 0) {
                struct pollfd p = { .fd = ms->pidfd, .events = POLLIN };
                if (ms->pidfd >= 0) {
                        syscall(SYS_pidfd_send_signal, ms->pidfd, SIGTERM, NULL, 0);
                        if (poll(&p, 1, 1000) == 0) {
                                log_warning("metrics: the HTTP process (pid %d) did not exit: killing it",
                                            (int)ms->pid);
                                syscall(SYS_pidfd_send_signal, ms->pidfd, SIGKILL, NULL, 0);
                        }
                } else {
                        kill(ms->pid, SIGKILL); /* our unreaped child: the pid is still its */
                }
                while (waitpid(ms->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        if (ms->pidfd >= 0)
                close(ms->pidfd);
        ms->pidfd = -1;
        ms->pid = 0;
}
