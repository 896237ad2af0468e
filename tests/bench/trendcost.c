/* Benchmark helper: what the leak trend adds to a tick (liboomguard).
 *   trendcost N TICKS
 * N rings (struct trend, as in every struct watched_cgroup) fed one
 * sample a tick as cgroup_read does (trend_add + trend_forecast), every
 * ring's bucket closing in the same tick (the worst case: the cgroups of
 * one rescan), and refitted TREND_REFITS_PER_TICK a tick as trend_watch
 * does, for TICKS ticks. Prints one line:
 * "trend n=N ring_bytes=B watched_bytes=W feed_us_per_tick=F refit_us=R
 *  refits_tick_us=T p99_tick_us=P worst_tick_us=X" (the tick: feeding and
 * refitting; the worst is often the scheduler on a shared machine). */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "daemon/trend_watch.h"
#include "snapshot/cgroup_set.h"
#include "snapshot/trend.h"
#include "util.h"

static double now_us(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
        size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000;
        int ticks = argc > 2 ? atoi(argv[2]) : 2000;
        struct trend *rings = calloc(n, sizeof(*rings));
        if (!rings || !n || ticks < TREND_BUCKETS * 2)
                return 2;
        /* 6.4 s window: a bucket every 100 ms tick, every ring dirty each tick */
        uint64_t window = 64 * 100 * NSEC_PER_MSEC, t0 = 1000 * NSEC_PER_SEC;
        for (size_t i = 0; i < n; i++)
                trend_init(&rings[i], window);
        double feed = 0, refits = 0, worst = 0, one = 0, *took = calloc((size_t)ticks, sizeof(double));
        if (!took)
                return 2;
        size_t cursor = 0, n_one = 0;
        for (int k = 0; k < ticks; k++) {
                uint64_t now = t0 + (uint64_t)k * 100 * NSEC_PER_MSEC;
                double a = now_us();
                for (size_t i = 0; i < n; i++) {
                        struct trend_forecast f;
                        trend_add(&rings[i], now, (uint64_t)(100 << 20) + (uint64_t)k * 4096 + (i * 7919) % 65536);
                        trend_forecast(&rings[i], now, UINT64_C(1) << 30, &f);
                }
                double b = now_us();
                for (unsigned j = 0; j < TREND_REFITS_PER_TICK; j++) {
                        struct trend *t = &rings[(cursor + j) % n];
                        double c = now_us();
                        trend_refit(t);
                        if (k > TREND_BUCKETS) { /* full rings */
                                one += now_us() - c;
                                n_one++;
                        }
                }
                cursor = (cursor + TREND_REFITS_PER_TICK) % n;
                double d = now_us();
                feed += b - a;
                refits += d - b;
                worst = d - a > worst ? d - a : worst;
                took[k] = d - a;
        }
        for (int i = 1; i < ticks; i++) /* insertion sort: a few thousand */
                for (int j = i; j > 0 && took[j - 1] > took[j]; j--) {
                        double x = took[j];
                        took[j] = took[j - 1];
                        took[j - 1] = x;
                }
        printf("trend n=%zu ring_bytes=%zu watched_bytes=%zu feed_us_per_tick=%.1f refit_us=%.1f "
               "refits_tick_us=%.1f p99_tick_us=%.1f worst_tick_us=%.1f\n",
               n, sizeof(struct trend), sizeof(struct watched_cgroup), feed / ticks, n_one ? one / (double)n_one : 0,
               refits / ticks, took[(size_t)ticks * 99 / 100], worst);
        free(took);
        free(rings);
        return 0;
}
