/* Benchmark helper: what one kernel wakeup registration costs.
 *   armcost KIND THREADS DIR...
 * KIND: threshold (a v1 usage threshold at 90 % of memory.limit_in_bytes
 * through cgroup.event_control), oom (v1 memory.oom_control eventfd),
 * pressure (v1 memory.pressure_level "low"), psi (a "some 100000 1000000"
 * trigger on a cgroup2 DIR's memory.pressure). Registers one for each
 * DIR, from THREADS threads at once (each takes the next DIR), timing
 * every registration; then closes them all, timed. Prints
 * "reg ms" per registration and
 * "summary kind=K threads=T n=N failed=F wall_ms=W p50_ms= p99_ms= max_ms= close_ms=C". */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *kind;
static char **dirs;
static int n_dirs, *fds;
static double *took;
static int next_dir;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int write_str(const char *path, const char *s, size_t len) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        int r = write(fd, s, len) < 0 ? -errno : 0;
        close(fd);
        return r;
}

static int v1_event(const char *dir, const char *file, const char *args) {
        char path[4096], line[128];
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        int ufd = open(path, O_RDONLY | O_CLOEXEC), efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (ufd < 0 || efd < 0)
                return -errno;
        snprintf(line, sizeof(line), "%d %d%s%s", efd, ufd, *args ? " " : "", args);
        snprintf(path, sizeof(path), "%s/cgroup.event_control", dir);
        int r = write_str(path, line, strlen(line));
        close(ufd);
        if (r < 0) {
                close(efd);
                return r;
        }
        return efd;
}

static int arm_one(const char *dir) {
        if (strcmp(kind, "threshold") == 0) {
                char path[4096], buf[32] = "";
                snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", dir);
                FILE *f = fopen(path, "re");
                if (!f || !fgets(buf, sizeof(buf), f))
                        return f ? (fclose(f), -EIO) : -errno;
                fclose(f);
                snprintf(buf, sizeof(buf), "%llu", strtoull(buf, NULL, 10) / 10 * 9);
                return v1_event(dir, "memory.usage_in_bytes", buf);
        }
        if (strcmp(kind, "oom") == 0)
                return v1_event(dir, "memory.oom_control", "");
        if (strcmp(kind, "pressure") == 0)
                return v1_event(dir, "memory.pressure_level", "low");
        char path[4096];
        snprintf(path, sizeof(path), "%s/memory.pressure", dir);
        int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* Without CAP_SYS_RESOURCE the window must be a multiple of 2 s. */
        static const char trig[] = "some 100000 1000000", unpriv[] = "some 200000 2000000";
        if (write(fd, trig, sizeof(trig)) >= 0 || write(fd, unpriv, sizeof(unpriv)) >= 0)
                return fd;
        int r = -errno;
        close(fd);
        return r;
}

static void *worker(void *arg) {
        for (;;) {
                pthread_mutex_lock(&lock);
                int i = next_dir < n_dirs ? next_dir++ : -1;
                pthread_mutex_unlock(&lock);
                if (i < 0)
                        return arg;
                double t0 = now_ms();
                fds[i] = arm_one(dirs[i]);
                took[i] = now_ms() - t0;
        }
}

static int cmp(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
        if (argc < 4)
                return fprintf(stderr, "usage: armcost threshold|oom|pressure|psi THREADS DIR...\n"), 2;
        kind = argv[1];
        int threads = atoi(argv[2]);
        dirs = argv + 3;
        n_dirs = argc - 3;
        fds = calloc((size_t)n_dirs, sizeof(*fds));
        took = calloc((size_t)n_dirs, sizeof(*took));
        pthread_t *tids = calloc((size_t)(threads > 0 ? threads : 1), sizeof(*tids));
        if (!fds || !took || !tids || threads < 1)
                return 2;
        double t0 = now_ms();
        for (int t = 0; t < threads; t++)
                if (pthread_create(&tids[t], NULL, worker, NULL) != 0)
                        return fprintf(stderr, "armcost: pthread_create failed\n"), 1;
        for (int t = 0; t < threads; t++)
                pthread_join(tids[t], NULL);
        double wall = now_ms() - t0;
        int failed = 0;
        for (int i = 0; i < n_dirs; i++) {
                if (fds[i] < 0 && !failed++)
                        fprintf(stderr, "armcost: %s on %s: %s\n", kind, dirs[i], strerror(-fds[i]));
                printf("reg %.3f\n", took[i]);
        }
        t0 = now_ms();
        for (int i = 0; i < n_dirs; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        double closing = now_ms() - t0;
        qsort(took, (size_t)n_dirs, sizeof(*took), cmp);
        printf("summary kind=%s threads=%d n=%d failed=%d wall_ms=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f "
               "close_ms=%.1f\n",
               kind, threads, n_dirs, failed, wall, took[n_dirs / 2], took[(n_dirs * 99 + 99) / 100 - 1],
               took[n_dirs - 1], closing);
        return failed ? 1 : 0;
}
