/* Benchmark driver: race a guard against the kernel's OOM killer.
 *   race CGDIR HOG RATE RUNS [PERCENT]
 * CGDIR is a v1 memory cgroup with a limit, created by the caller. For
 * each run: arm our own usage threshold eventfd at PERCENT (default 90) of
 * the limit, start `HOG 1024 RATE` inside CGDIR (it joins before exec, so
 * it never runs outside), and watch with poll():
 *   t_cross = CLOCK_MONOTONIC when the threshold eventfd fires,
 *   t_gone  = when the hog's pidfd becomes readable (it exited).
 * A win: memory.oom_control's oom_kill did not move and the hog died of
 * SIGKILL or SIGTERM (or exited 0 on SIGTERM without finishing).
 * One line per run ("run ..."), then one "summary ..." line. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_TIMEOUT_MS 60000

static const char *cgdir;
static volatile sig_atomic_t hog_pid;

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void on_signal(int sig) {
        if (hog_pid > 0)
                kill(hog_pid, SIGKILL);
        signal(sig, SIG_DFL);
        raise(sig);
}

static int read_text(const char *name, char *buf, size_t size) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", cgdir, name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = read(fd, buf, size - 1);
        int e = errno;
        close(fd);
        if (n < 0)
                return -e;
        buf[n] = '\0';
        return 0;
}

static unsigned long long read_u64(const char *name) {
        char buf[64];
        return read_text(name, buf, sizeof(buf)) < 0 ? 0 : strtoull(buf, NULL, 10);
}

static long oom_kills(void) {
        char buf[512];
        if (read_text("memory.oom_control", buf, sizeof(buf)) < 0)
                return -1;
        char *p = strstr(buf, "oom_kill ");
        return p ? atol(p + 9) : -1;
}

/* Our own threshold: an eventfd that fires when usage crosses bytes. */
static int arm_threshold(unsigned long long bytes, int *usage_fd) {
        char path[4096], line[96];
        int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        snprintf(path, sizeof(path), "%s/memory.usage_in_bytes", cgdir);
        int ufd = open(path, O_RDONLY | O_CLOEXEC);
        snprintf(path, sizeof(path), "%s/cgroup.event_control", cgdir);
        int cfd = open(path, O_WRONLY | O_CLOEXEC);
        if (efd < 0 || ufd < 0 || cfd < 0) {
                perror("race: threshold");
                exit(2);
        }
        int n = snprintf(line, sizeof(line), "%d %d %llu", efd, ufd, bytes);
        if (write(cfd, line, (size_t)n) != n) {
                perror("race: cgroup.event_control");
                exit(2);
        }
        close(cfd);
        *usage_fd = ufd;
        return efd;
}

/* Child: join the cgroup, then become `hog MIB RATE [hold]`. Never runs
 * outside the cgroup. */
static void exec_hog(const char *hog, const char *mib, const char *rate, const char *hold, int out_fd) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        char path[4096], pid[32];
        snprintf(path, sizeof(path), "%s/cgroup.procs", cgdir);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
        if (fd < 0 || write(fd, pid, (size_t)n) != n)
                _exit(126);
        close(fd);
        dup2(out_fd, STDOUT_FILENO);
        dup2(out_fd, STDERR_FILENO);
        execl(hog, hog, mib, rate, hold, (char *)NULL);
        _exit(127);
}

struct result {
        double reaction_ms; /* t_gone - t_cross; NAN when no crossing seen */
        double fill_ms;     /* start -> t_cross */
        bool win, kernel;
        char how[32];
};

static void wait_usage_below(unsigned long long bytes) {
        for (int i = 0; i < 500 && read_u64("memory.usage_in_bytes") >= bytes; i++)
                usleep(10000);
}

static void one_run(const char *hog, const char *rate, unsigned long long thr, struct result *res) {
        wait_usage_below(thr / 4);
        long before = oom_kills();
        int ufd;
        int efd = arm_threshold(thr, &ufd);
        int out[2];
        if (pipe2(out, O_CLOEXEC) < 0) {
                perror("race: pipe");
                exit(2);
        }
        double t_start = now_ms();
        pid_t pid = fork();
        if (pid < 0) {
                perror("race: fork");
                exit(2);
        }
        if (pid == 0)
                exec_hog(hog, "1024", rate, NULL, out[1]);
        hog_pid = pid;
        close(out[1]);
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0) {
                perror("race: pidfd_open");
                kill(pid, SIGKILL);
                exit(2);
        }
        double t_cross = NAN, t_gone = NAN;
        char outbuf[4096];
        size_t outlen = 0;
        bool out_open = true;
        while (isnan(t_gone)) {
                struct pollfd p[3] = { { efd, POLLIN, 0 }, { pidfd, POLLIN, 0 }, { out[0], POLLIN, 0 } };
                int n = poll(p, out_open ? 3 : 2, RUN_TIMEOUT_MS);
                double t = now_ms();
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        kill(pid, SIGKILL); /* nobody acted: give up on this run */
                        snprintf(res->how, sizeof(res->how), "timeout");
                        continue;
                }
                if (p[0].revents & POLLIN) {
                        uint64_t v;
                        (void)!read(efd, &v, sizeof(v));
                        if (isnan(t_cross))
                                t_cross = t;
                }
                if (out_open && p[2].revents) {
                        ssize_t r = read(out[0], outbuf + outlen, sizeof(outbuf) - 1 - outlen);
                        if (r <= 0)
                                out_open = false;
                        else
                                outlen += (size_t)r;
                }
                if (p[1].revents & POLLIN)
                        t_gone = t;
        }
        outbuf[outlen] = '\0';
        siginfo_t si = { 0 };
        waitid(P_PID, (id_t)pid, &si, WEXITED);
        hog_pid = 0;
        long after = oom_kills();
        bool ready = strstr(outbuf, "ready") != NULL;
        res->kernel = after != before;
        if (!res->how[0]) {
                if (si.si_code == CLD_EXITED)
                        snprintf(res->how, sizeof(res->how), "exit%d", si.si_status);
                else
                        snprintf(res->how, sizeof(res->how), "%s", sigabbrev_np(si.si_status) ?: "sig?");
        }
        bool by_signal = si.si_code != CLD_EXITED && (si.si_status == SIGKILL || si.si_status == SIGTERM);
        bool clean_term = si.si_code == CLD_EXITED && si.si_status == 0 && !ready;
        res->win = !res->kernel && (by_signal || clean_term) && strcmp(res->how, "timeout") != 0;
        res->reaction_ms = t_gone - t_cross;
        res->fill_ms = t_cross - t_start;
        close(pidfd);
        close(out[0]);
        close(efd); /* unregisters the threshold */
        close(ufd);
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

/* Nearest-rank percentile of n sorted values. */
static double percentile(const double *v, int n, double p) {
        if (n == 0)
                return NAN;
        int rank = (int)ceil(p / 100.0 * n);
        return v[rank < 1 ? 0 : rank - 1];
}

/* --exit MIB RUNS: how long the kernel takes to tear down an idle hog of
 * MIB after SIGKILL (SIGKILL -> pidfd readable), with nobody racing. */
static int exit_floor(const char *hog, const char *mib, int runs) {
        double *t = calloc((size_t)runs, sizeof(double));
        for (int i = 0; i < runs; i++) {
                int out[2];
                if (pipe2(out, O_CLOEXEC) < 0)
                        return 2;
                pid_t pid = fork();
                if (pid < 0)
                        return 2;
                if (pid == 0)
                        exec_hog(hog, mib, "0", "hold", out[1]);
                hog_pid = pid;
                close(out[1]);
                char buf[256];
                ssize_t n = read(out[0], buf, sizeof(buf)); /* "ready" */
                int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
                if (n <= 0 || pidfd < 0) {
                        kill(pid, SIGKILL);
                        return 2;
                }
                struct pollfd p = { pidfd, POLLIN, 0 };
                double t0 = now_ms();
                syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                while (poll(&p, 1, -1) < 0 && errno == EINTR)
                        ;
                t[i] = now_ms() - t0;
                waitpid(pid, NULL, 0);
                hog_pid = 0;
                close(pidfd);
                close(out[0]);
                printf("exit %d %.2f ms\n", i + 1, t[i]);
                usleep(100000);
        }
        qsort(t, (size_t)runs, sizeof(double), cmp_double);
        printf("summary exit_p50=%.2f exit_p99=%.2f\n", percentile(t, runs, 50), percentile(t, runs, 99));
        return 0;
}

int main(int argc, char **argv) {
        if (argc < 5) {
                fprintf(stderr,
                        "usage: race CGDIR HOG RATE RUNS [PERCENT]\n"
                        "       race CGDIR HOG --exit MIB RUNS\n");
                return 2;
        }
        cgdir = argv[1];
        if (strcmp(argv[3], "--exit") == 0 && argc > 5)
                return exit_floor(argv[2], argv[4], atoi(argv[5]));
        const char *hog = argv[2], *rate = argv[3];
        int runs = atoi(argv[4]);
        int percent = argc > 5 ? atoi(argv[5]) : 90;
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
        /* Our wakeups only take timestamps; run them ahead of the hog so the
         * stamps are not late (best effort: needs CAP_SYS_NICE). */
        struct sched_param sp = { .sched_priority = 1 };
        const char *prio = "SCHED_FIFO 1";
        if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) < 0)
                prio = setpriority(PRIO_PROCESS, 0, -20) == 0 ? "nice -20" : "normal";
        unsigned long long limit = read_u64("memory.limit_in_bytes");
        unsigned long long thr = limit / 100 * (unsigned long long)percent;
        printf("# race: limit %llu, threshold %d%% = %llu, hog rate %s MiB/s, %d runs, timer priority %s\n", limit,
               percent, thr, rate, runs, prio);
        double *react = calloc((size_t)runs, sizeof(double)), *lost = calloc((size_t)runs, sizeof(double));
        int wins = 0, nreact = 0, nlost = 0, kernel = 0;
        for (int i = 0; i < runs; i++) {
                struct result r = { 0 };
                one_run(hog, rate, thr, &r);
                printf("run %d %s how=%s kernel_oom_kill=%s reaction_ms=%.2f fill_ms=%.1f\n", i + 1,
                       r.win ? "win" : "lose", r.how, r.kernel ? "moved" : "same", r.reaction_ms, r.fill_ms);
                fflush(stdout);
                kernel += r.kernel;
                if (r.win && !isnan(r.reaction_ms))
                        react[nreact++] = r.reaction_ms;
                if (r.win)
                        wins++;
                else if (!isnan(r.reaction_ms))
                        lost[nlost++] = r.reaction_ms;
        }
        qsort(react, (size_t)nreact, sizeof(double), cmp_double);
        qsort(lost, (size_t)nlost, sizeof(double), cmp_double);
        printf("summary wins=%d runs=%d kernel_kills=%d react_p50=%.2f react_p99=%.2f lost_p50=%.2f\n", wins, runs,
               kernel, percentile(react, nreact, 50), percentile(react, nreact, 99), percentile(lost, nlost, 50));
        return 0;
}
