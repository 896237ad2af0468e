/* Test helper: a steady leak or a sawtooth, in anonymous memory.
 *   leaker leak PREFILL_MIB RATE_MIB_PER_S
 *       touch PREFILL_MIB at once, print "ready", then leak RATE MiB a
 *       second (1 MiB at a time, paced on the monotonic clock) until killed;
 *   leaker saw LOW_MIB HIGH_MIB PERIOD_S
 *       hold LOW_MIB, print "ready", then for ever: grow to HIGH_MIB over
 *       PERIOD_S and give the growth back at once (munmap), as a heap
 *       collected back to its floor.
 * Each MiB is its own mapping, so that giving it back really lowers the
 * cgroup's usage (malloc could keep it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define MAX_CHUNKS 65536

static void *chunks[MAX_CHUNKS];
static long n_chunks;

static double now_s(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_until(double t) {
        double d = t - now_s();
        if (d > 0)
                usleep((useconds_t)(d * 1e6));
}

static int grow(void) {
        if (n_chunks >= MAX_CHUNKS)
                return -1;
        char *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
                return -1;
        for (size_t i = 0; i < MIB; i += 4096)
                p[i] = 1;
        chunks[n_chunks++] = p;
        return 0;
}

static void shrink_to(long n) {
        while (n_chunks > n)
                munmap(chunks[--n_chunks], MIB);
}

static void ready(void) {
        printf("ready\n");
        fflush(stdout);
}

static int leak(long prefill, double rate) {
        for (long i = 0; i < prefill; i++)
                if (grow() < 0)
                        return 3;
        ready();
        double t0 = now_s();
        for (long i = 1;; i++) {
                sleep_until(t0 + (double)i / rate);
                if (grow() < 0)
                        return 3;
        }
}

static int saw(long low, long high, double period) {
        for (long i = 0; i < low; i++)
                if (grow() < 0)
                        return 3;
        ready();
        for (;;) {
                double t0 = now_s();
                for (long i = 1; i <= high - low; i++) {
                        sleep_until(t0 + period * (double)i / (double)(high - low));
                        if (grow() < 0)
                                return 3;
                }
                shrink_to(low);
        }
}

int main(int argc, char **argv) {
        if (argc == 4 && strcmp(argv[1], "leak") == 0 && atof(argv[3]) > 0)
                return leak(atol(argv[2]), atof(argv[3]));
        if (argc == 5 && strcmp(argv[1], "saw") == 0 && atol(argv[3]) > atol(argv[2]) && atof(argv[4]) > 0)
                return saw(atol(argv[2]), atol(argv[3]), atof(argv[4]));
        fprintf(stderr, "usage: leaker leak PREFILL_MIB RATE_MIB_PER_S | leaker saw LOW_MIB HIGH_MIB PERIOD_S\n");
        return 2;
}
