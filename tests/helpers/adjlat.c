/* exec → oom_score_adj latency: starts N copies of BIN (each "BIN 30"),
 * GAP_MS apart, and polls each one's oom_score_adj until it reads WANT.
 * The child stamps CLOCK_MONOTONIC into a pipe just before execve.
 * Prints "p50_ms p99_ms max_ms adjusted/N". */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_N 1000

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static pid_t spawn(const char *bin, double *t0) {
        int p[2];
        if (pipe(p) < 0)
                return -1;
        pid_t pid = fork();
        if (pid == 0) {
                double t = now_ms();
                if (write(p[1], &t, sizeof(t)) != sizeof(t))
                        _exit(127);
                execl(bin, bin, "30", (char *)NULL);
                _exit(127);
        }
        close(p[1]);
        if (read(p[0], t0, sizeof(*t0)) != sizeof(*t0))
                *t0 = now_ms();
        close(p[0]);
        return pid;
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
        if (argc != 5)
                return fprintf(stderr, "usage: adjlat BIN WANT N GAP_MS\n"), 2;
        int want = atoi(argv[2]), n = atoi(argv[3]), gap = atoi(argv[4]), done = 0, launched = 0;
        static pid_t pids[MAX_N];
        static int fds[MAX_N];
        static double t0[MAX_N], lat[MAX_N];
        if (n < 1 || n > MAX_N)
                return 2;
        double deadline = now_ms() + n * gap + 5000, next = 0;
        while (done < n && now_ms() < deadline) {
                if (launched < n && now_ms() >= next) {
                        char path[64];
                        pids[launched] = spawn(argv[1], &t0[launched]);
                        snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pids[launched]);
                        fds[launched] = open(path, O_RDONLY | O_CLOEXEC);
                        lat[launched] = -1;
                        launched++;
                        next = now_ms() + gap;
                }
                for (int i = 0; i < launched; i++)
                        if (lat[i] < 0 && value(fds[i]) == want) {
                                lat[i] = now_ms() - t0[i];
                                done++;
                        }
                struct timespec ts = { 0, 50 * 1000 };
                nanosleep(&ts, NULL);
        }
        double ok[MAX_N];
        int k = 0;
        for (int i = 0; i < launched; i++) {
                if (lat[i] >= 0)
                        ok[k++] = lat[i];
                kill(pids[i], SIGKILL);
                waitpid(pids[i], NULL, 0);
        }
        qsort(ok, (size_t)k, sizeof(ok[0]), cmp);
        if (k == 0)
                printf("- - - 0/%d\n", n);
        else
                printf("%.2f %.2f %.2f %d/%d\n", ok[k / 2], ok[(k * 99) / 100 < k ? (k * 99) / 100 : k - 1],
                       ok[k - 1], k, n);
        return k == n ? 0 : 1;
}
