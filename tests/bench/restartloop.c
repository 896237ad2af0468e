/* Benchmark helper: how long a guard takes to stop a shell restart loop.
 *   restartloop CGDIR HOG RATE RESTART TIMEOUT_S
 * Listens on the kernel's proc connector, then starts
 *   sh -c 'while true; do HOG 1024 RATE; done'
 * inside the v1 memory cgroup CGDIR (it joins before exec). Every exec by
 * a child of that shell is a hog start (1 = the first, 2 = restart 1, ...);
 * t_exec = the kernel's CLOCK_MONOTONIC timestamp of the exec of restart
 * RESTART (hog start RESTART + 1), t_fork = that of the fork of the child
 * that exec'd. Meanwhile it reads the shell's /proc/PID/stat every 100 µs;
 * t_stopped = CLOCK_MONOTONIC when its state first reads T. Prints
 *   result starts=N detect_ms=MS fork_ms=MS
 * (detect_ms = t_stopped - t_exec, negative when the guard stopped the
 * shell between that fork and that exec; fork_ms = t_stopped - t_fork;
 * "-" when it was not stopped within TIMEOUT_S, or before that fork).
 * starts counts the hog starts until the stop (the child forked before the
 * stop still execs). Then SIGKILLs the shell and everything in CGDIR,
 * reaps the shell and waits (up to 10 s) until CGDIR is empty; also on
 * SIGTERM/SIGINT. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sources/proc_connector.h"

#define MAX_KIDS 4096

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

static uint64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The library's subscription, with a receive buffer big enough that a
 * loop's bursts are not dropped while the bench polls the shell's state. */
static int open_connector(void) {
        int fd = proc_connector_open();
        int big = 4 << 20;
        if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
                (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
        return fd;
}

static pid_t shell, kids[MAX_KIDS];
static uint64_t kid_fork_ns[MAX_KIDS];
static int n_kids, starts, want, lost;
static uint64_t t_exec, t_fork;

static int kid(pid_t p) {
        for (int i = n_kids - 1; i >= 0; i--)
                if (kids[i] == p)
                        return i;
        return -1;
}

static void on_event(const struct pc_event *ev, void *ud) {
        (void)ud;
        if (ev->kind == PC_FORK && shell && ev->parent_tgid == shell && ev->pid == ev->tgid && n_kids < MAX_KIDS) {
                kid_fork_ns[n_kids] = ev->timestamp_ns;
                kids[n_kids++] = ev->pid;
        } else if (ev->kind == PC_EXEC) {
                int k = kid(ev->pid);
                if (k < 0)
                        return;
                starts++;
                if (starts == want + 1) {
                        t_exec = ev->timestamp_ns;
                        t_fork = kid_fork_ns[k];
                }
        }
}

static void drain(int fd) {
        while (proc_connector_drain(fd, on_event, NULL) == -ENOBUFS)
                lost = 1; /* events were dropped: keep reading what is left */
}

static char state_of(int fd) {
        char buf[512];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n <= 0)
                return '?';
        buf[n] = '\0';
        char *p = strrchr(buf, ')');
        return p && p[1] == ' ' ? p[2] : '?';
}

/* SIGKILL everything in cgdir; the number of processes that were there. */
static int kill_cgroup(const char *cgdir) {
        char path[4096];
        int left = 0;
        snprintf(path, sizeof(path), "%s/cgroup.procs", cgdir);
        for (int round = 0; round < 3; round++) {
                FILE *f = fopen(path, "re");
                int p;
                if (!f)
                        return 0;
                left = 0;
                while (fscanf(f, "%d", &p) == 1)
                        if (p > 1 && p != getpid()) {
                                kill(p, SIGKILL);
                                left++;
                        }
                fclose(f);
        }
        return left;
}

int main(int argc, char **argv) {
        if (argc != 6)
                return fprintf(stderr, "usage: restartloop CGDIR HOG RATE RESTART TIMEOUT_S\n"), 2;
        const char *cgdir = argv[1];
        want = atoi(argv[4]);
        int timeout = atoi(argv[5]);
        struct sigaction sa = { .sa_handler = on_signal };
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        int cfd = open_connector();
        if (cfd < 0)
                return perror("restartloop: proc connector"), 1;
        char script[4096], procs[4096];
        snprintf(script, sizeof(script), "while true; do %s 1024 %s >/dev/null 2>&1; done", argv[2], argv[3]);
        snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgdir);
        pid_t pid = fork();
        if (pid == 0) {
                signal(SIGTERM, SIG_DFL);
                signal(SIGINT, SIG_DFL);
                int fd = open(procs, O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, "0", 1) != 1)
                        _exit(126);
                close(fd);
                execl("/bin/sh", "sh", "-c", script, (char *)NULL);
                _exit(127);
        }
        if (pid < 0)
                return perror("restartloop: fork"), 1;
        shell = pid;
        char statp[64];
        snprintf(statp, sizeof(statp), "/proc/%d/stat", (int)pid);
        int sfd = open(statp, O_RDONLY | O_CLOEXEC);
        uint64_t deadline = now_ns() + (uint64_t)timeout * 1000000000ULL, t_stopped = 0;
        while (!stop && now_ns() < deadline) {
                drain(cfd);
                if (state_of(sfd) == 'T') {
                        t_stopped = now_ns();
                        /* The exec that triggered it is queued by now; when
                         * the fork did, the forked child still execs. */
                        for (int i = 0; i < 2000 && !t_exec && n_kids >= want + 1; i++) {
                                struct timespec ts = { 0, 100 * 1000 };
                                nanosleep(&ts, NULL);
                                drain(cfd);
                        }
                        drain(cfd);
                        break;
                }
                struct timespec ts = { 0, 100 * 1000 };
                nanosleep(&ts, NULL);
        }
        if (t_stopped && t_exec && t_stopped >= t_fork)
                printf("result starts=%d detect_ms=%.3f fork_ms=%.3f%s\n", starts,
                       ((double)t_stopped - (double)t_exec) / 1e6, (double)(t_stopped - t_fork) / 1e6,
                       lost ? " events_lost=1" : "");
        else
                printf("result starts=%d detect_ms=- fork_ms=-%s%s\n", starts, t_stopped ? " stopped_early=1" : "",
                       lost ? " events_lost=1" : "");
        fflush(stdout);
        kill(pid, SIGKILL);
        kill_cgroup(cgdir);
        waitpid(pid, NULL, 0);
        for (int i = 0; i < 1000 && kill_cgroup(cgdir) > 0; i++) {
                struct timespec ts = { 0, 10 * 1000 * 1000 };
                nanosleep(&ts, NULL);
        }
        return t_stopped ? 0 : 1;
}
