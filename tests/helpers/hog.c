/* Test helper: allocate and touch memory.
 *   hog MIB [RATE_MIB_PER_S] [hold]
 * RATE 0 = as fast as possible. Prints "ready" once MIB are touched; with
 * "hold" it then waits for a signal, else it exits 0.
 * HOG_RANDOM=1 fills every page with pseudo-random bytes instead of touching
 * one byte per page: zram compresses a page that is almost all zeros to next
 * to nothing, so only random pages really use up zram swap.
 * HOG_COMM=NAME renames it (prctl PR_SET_NAME, any bytes, the kernel cuts
 * at 15): a process choosing a hostile name, as any user can. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)

/* SIGTERM: leave cleanly (exit 0) so a test can tell a graceful stop
 * from a SIGKILL (137). */
static void on_term(int sig) {
        static const char msg[] = "hog: SIGTERM, exiting cleanly\n";
        (void)sig;
        (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
        _exit(0);
}

static void pace(double rate, long done, const struct timespec *t0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double elapsed = (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
        double due = (double)done / rate;
        if (due > elapsed)
                usleep((useconds_t)((due - elapsed) * 1e6));
}

int main(int argc, char **argv) {
        if (argc < 2) {
                fprintf(stderr, "usage: hog MIB [RATE_MIB_PER_S] [hold]\n");
                return 2;
        }
        long mib = atol(argv[1]);
        double rate = argc > 2 ? atof(argv[2]) : 0;
        int hold = argc > 3 && strcmp(argv[3], "hold") == 0;
        const char *rnd = getenv("HOG_RANDOM");
        int random_fill = rnd && *rnd && strcmp(rnd, "0") != 0;
        uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
        signal(SIGTERM, on_term);
        const char *comm = getenv("HOG_COMM");
        if (comm && prctl(PR_SET_NAME, comm) < 0)
                return 4;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < mib; i++) {
                char *p = malloc(CHUNK);
                if (!p)
                        return 3;
                if (random_fill) {
                        uint64_t *w = (uint64_t *)(void *)p;
                        for (size_t k = 0; k < CHUNK / sizeof(*w); k++) {
                                x ^= x << 13; /* xorshift64 */
                                x ^= x >> 7;
                                x ^= x << 17;
                                w[k] = x;
                        }
                } else {
                        /* One varying byte per page: fast, but mostly zeros. */
                        for (size_t off = 0; off < CHUNK; off += 4096)
                                p[off] = (char)(i + (long)off);
                }
                if (rate > 0)
                        pace(rate, i + 1, &t0);
        }
        printf("ready\n");
        fflush(stdout);
        if (hold)
                for (;;)
                        pause();
        return 0;
}
