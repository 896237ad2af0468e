/* exec → oom_score_adj latency, for the live test and the bench.
 *   adjlat [--lines] BIN WANT N GAP_MS
 * Starts N copies of "BIN 30" (a copy of sleep), GAP_MS apart. Each child
 * reads CLOCK_MONOTONIC just before execve and sends it up a pipe; this
 * process polls every child's /proc/PID/oom_score_adj (kept open, pread,
 * 20 us apart) until it reads WANT. Prints "p50_ms p99_ms max_ms K/N";
 * with --lines, one "lat MS" line per adjusted child and then "summary
 * adjusted=K n=N" instead. Every child is SIGKILLed and reaped before it
 * exits (also on SIGTERM/SIGINT). */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_N 1000

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static pid_t spawn(const char *bin, double *t0) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -1;
        pid_t pid = fork();
        if (pid == 0) {
                signal(SIGTERM, SIG_DFL);
                signal(SIGINT, SIG_DFL);
                double t = now_ms();
                if (write(p[1], &t, sizeof(t)) != sizeof(t))
                        _exit(127);
                execl(bin, bin, "30", (char *)NULL);
                _exit(127);
        }
        close(p[1]);
        if (pid < 0 || read(p[0], t0, sizeof(*t0)) != sizeof(*t0))
                *t0 = now_ms();
        close(p[0]);
        return pid;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

/* "p50 p99 max K/N" over the adjusted children (sorts lat in place). */
static void print_summary(double *lat, int launched, int n) {
        int k = 0;
        for (int i = 0; i < launched; i++)
                if (lat[i] >= 0)
                        lat[k++] = lat[i];
        qsort(lat, (size_t)k, sizeof(lat[0]), cmp_double);
        if (k == 0)
                printf("- - - 0/%d\n", n);
        else
                printf("%.2f %.2f %.2f %d/%d\n", lat[k / 2], lat[(k * 99) / 100], lat[k - 1], k, n);
}

static int value(int fd) {
        char buf[16];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n <= 0)
                return -99999;
        buf[n] = '\0';
        return atoi(buf);
}

int main(int argc, char **argv) {
        bool lines = argc > 1 && strcmp(argv[1], "--lines") == 0;
        if (lines)
                argc--, argv++;
        if (argc != 5)
                return fprintf(stderr, "usage: adjlat [--lines] BIN WANT N GAP_MS\n"), 2;
        int want = atoi(argv[2]), n = atoi(argv[3]), gap = atoi(argv[4]), done = 0, launched = 0;
        static pid_t pids[MAX_N];
        static int fds[MAX_N];
        static double t0[MAX_N], lat[MAX_N];
        if (n < 1 || n > MAX_N)
                return 2;
        struct sigaction sa = { .sa_handler = on_signal };
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        double deadline = now_ms() + n * gap + 5000, next = 0;
        while (!stop && done < n && now_ms() < deadline) {
                if (launched < n && now_ms() >= next) {
                        char path[64];
                        pids[launched] = spawn(argv[1], &t0[launched]);
                        snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pids[launched]);
                        fds[launched] = pids[launched] > 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
                        lat[launched] = -1;
                        launched++;
                        next = now_ms() + gap;
                }
                for (int i = 0; i < launched; i++)
                        if (lat[i] < 0 && fds[i] >= 0 && value(fds[i]) == want) {
                                lat[i] = now_ms() - t0[i];
                                done++;
                        }
                struct timespec ts = { 0, 20 * 1000 };
                nanosleep(&ts, NULL);
        }
        for (int i = 0; i < launched; i++) {
                if (lines && lat[i] >= 0)
                        printf("lat %.3f\n", lat[i]);
                if (pids[i] > 0) {
                        kill(pids[i], SIGKILL);
                        waitpid(pids[i], NULL, 0);
                }
        }
        if (lines)
                printf("summary adjusted=%d n=%d\n", done, n);
        else
                print_summary(lat, launched, n);
        return done == n ? 0 : 1;
}
