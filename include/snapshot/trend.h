/* The working set's long trend (a leak's forecast): a fixed ring of
 * buckets per cgroup (and one for the machine), each keeping the FLOOR
 * of its interval, and a robust line through those floors. Pure: no
 * I/O, no allocation; adding a sample is O(1) (the hot path), the fit is
 * done apart (trend_refit, after the tick's decisions).
 *
 * Why floors: a garbage-collected heap saws between a floor and a peak,
 * and page cache comes and goes; what leaks is what stays after each
 * collection. A JVM's heap saws while its metaspace grows: the floors
 * rise at the metaspace's rate, the peaks say nothing. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define TREND_BUCKETS 64
/* Enough data: this many points and a quarter of the window. */
#define TREND_MIN_POINTS 8
#define TREND_AHEAD_WINDOWS 4 /* a forecast goes no further ahead: none beyond */
#define TREND_EMPTY UINT64_MAX

struct trend_fit {
        bool valid;             /* enough points, recent enough */
        unsigned n;             /* points in the fit */
        double slope;           /* bytes per second */
        double intercept;       /* bytes at t = 0 (the ring's origin) */
        double scatter;         /* the median distance of the points from the line, bytes */
        bool significant;       /* the rise over the fit stands out of the scatter */
        double first_s, last_s; /* the oldest and newest point, s after the origin */
};

struct trend {
        uint64_t width_ns;               /* a bucket: the window / TREND_BUCKETS; 0 = off */
        uint64_t origin_ns;              /* bucket k covers [origin + k width, origin + (k+1) width) */
        uint64_t head;                   /* the newest bucket's number */
        uint64_t first;                  /* the oldest bucket still counted (after a drop) */
        uint64_t last_ns;                /* the last sample */
        bool started, dirty;             /* dirty: a bucket closed since the last fit */
        uint64_t floor[TREND_BUCKETS];   /* TREND_EMPTY: no sample */
        uint32_t at_frac[TREND_BUCKETS]; /* when the floor was seen, in 2^-32 of a bucket */
        struct trend_fit fit;
};

struct trend_forecast {
        bool valid;             /* a trend: enough data */
        bool growing;           /* its slope is above 0, and clearly (trend.c) */
        double slope;           /* bytes per second */
        double level;           /* the line's value now, bytes */
        double span_s;          /* how long it has been followed (since a reset or drop) */
        double time_to_limit_s; /* until the line reaches the limit; < 0 = none */
};

/* Off (window 0) or empty, with buckets of window / TREND_BUCKETS. */
void trend_init(struct trend *t, uint64_t window_ns);
/* A new window: starts over when the bucket width changes. */
void trend_set_window(struct trend *t, uint64_t window_ns);
/* Forget everything (the cgroup was recreated, a counter went back). */
void trend_reset(struct trend *t);
/* One sample. Time going backwards starts over. Hot path: O(1) but for
 * clearing the buckets skipped (at most TREND_BUCKETS). */
void trend_add(struct trend *t, uint64_t now_ns, uint64_t value);
/* Fit the closed buckets again if one closed since (t->dirty).
 * ~2,000 pairwise slopes: call it outside the kill path. */
void trend_refit(struct trend *t);
/* What the last fit says at now about reaching limit (BYTES_UNLIMITED or
 * 0: no time to the limit). Returns ret->valid. */
bool trend_forecast(const struct trend *t, uint64_t now_ns, uint64_t limit, struct trend_forecast *ret);

struct meminfo;
/* The machine's level and limit: RAM and swap in use, (MemTotal -
 * MemAvailable) + (SwapTotal - SwapFree), against MemTotal + SwapTotal.
 * Swap counts on both sides: a leak that is swapped out still grows,
 * and [global] sees memory as short only when both run out. */
void trend_machine_level(const struct meminfo *m, uint64_t *level, uint64_t *limit);
