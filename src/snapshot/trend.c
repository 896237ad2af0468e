/* The working set's long trend: bucket floors in a fixed ring and a
 * Theil–Sen line through their lower envelope. Pure, no allocation.
 *
 * Why Theil–Sen and not least squares: the floors still hold outliers
 * (a bucket that saw only the peak of a sawtooth, one sparse cold probe,
 * a cache that filled for a few minutes), and least squares lets every
 * one of them pull the slope; the median of the pairwise slopes ignores
 * up to ~29 % of them. Its cost (up to 2,016 slopes and a selection) is
 * paid once per closed bucket, after the tick's decisions, never per
 * sample. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "snapshot/trend.h"
#include "sources/meminfo.h"
#include "util.h"

#define FRAC_ONE 4294967296.0 /* at_frac's unit: 2^-32 of a bucket */

/* Trust in a rise needs it to stand out of the scatter: a noisy flat
 * floor fits a small slope either way, and with a limit far off even a
 * small one would forecast it. */
#define TREND_RISE_OVER_SCATTER 4

void trend_init(struct trend *t, uint64_t window_ns) {
        *t = (struct trend){ .width_ns = window_ns / TREND_BUCKETS };
        for (size_t i = 0; i < TREND_BUCKETS; i++)
                t->floor[i] = TREND_EMPTY;
}

void trend_set_window(struct trend *t, uint64_t window_ns) {
        if (t->width_ns != window_ns / TREND_BUCKETS)
                trend_init(t, window_ns);
}

void trend_reset(struct trend *t) { trend_init(t, t->width_ns * TREND_BUCKETS); }

/* Bucket k is closed: the ones between the old head and k had no sample. */
static void advance(struct trend *t, uint64_t k) {
        uint64_t from = k - t->head > TREND_BUCKETS ? k - TREND_BUCKETS : t->head;
        for (uint64_t b = from + 1; b <= k; b++)
                t->floor[b % TREND_BUCKETS] = TREND_EMPTY;
        t->head = k;
        if (t->first + TREND_BUCKETS <= k) /* slid out of the window */
                t->first = k - TREND_BUCKETS + 1;
        t->dirty = true;
}

void trend_add(struct trend *t, uint64_t now_ns, uint64_t value) {
        if (!t->width_ns)
                return;
        if (t->started && now_ns < t->last_ns)
                trend_reset(t); /* a clock that went back: nothing before is comparable */
        if (!t->started) {
                t->started = true;
                t->origin_ns = now_ns;
        }
        uint64_t off = now_ns - t->origin_ns;
        uint64_t k = off / t->width_ns;
        if (k > t->head)
                advance(t, k);
        size_t slot = k % TREND_BUCKETS;
        if (value < t->floor[slot]) {
                t->floor[slot] = value;
                t->at_frac[slot] = (uint32_t)((double)(off - k * t->width_ns) / (double)t->width_ns * (FRAC_ONE - 1));
        }
        t->last_ns = now_ns;
}

struct point {
        double t, v; /* seconds after the origin, bytes */
};

static double point_time(const struct trend *t, uint64_t b) {
        return ((double)b + (double)t->at_frac[b % TREND_BUCKETS] / FRAC_ONE) * (double)t->width_ns /
               (double)NSEC_PER_SEC;
}

/* The oldest bucket still in the ring (it may be before t->first). */
static uint64_t ring_oldest(const struct trend *t) {
        return t->head >= TREND_BUCKETS - 1 ? t->head - (TREND_BUCKETS - 1) : 0;
}

static double median(double *a, size_t n);

/* The floors' typical step: the median change from one closed floor to
 * the next in the ring (a flat floor's noise, a leak's or a ramp's rise
 * per bucket). 0 with fewer than two floors. */
static double typical_step(const struct trend *t) {
        double d[TREND_BUCKETS];
        size_t n = 0;
        uint64_t prev = TREND_EMPTY;
        for (uint64_t b = ring_oldest(t); b < t->head; b++) {
                uint64_t v = t->floor[b % TREND_BUCKETS];
                if (v == TREND_EMPTY)
                        continue;
                if (prev != TREND_EMPTY)
                        d[n++] = v > prev ? (double)(v - prev) : (double)(prev - v);
                prev = v;
        }
        return n ? median(d, n) : 0;
}

/* A dip: a fall that the floors climb back over (to the floor before
 * the fall) in one step of at least 3/4 of the fall, within this many
 * closed floors. Not a rise given back: a leak's floor that missed a few
 * buckets (a cache trimmed and refilled, one sparse low sample) jumps
 * back onto its line, while a collection's trough starts the next ramp,
 * climbed a step a bucket (a stretched sawtooth's ramp is 4 buckets or
 * more, a step at most about half the rise, even a concave one's first).
 * The jump is what tells them apart (any climb back within 8 floors as a
 * dip warns on the sawtooth tests); 8, an eighth of the window, bounds
 * how long a dip may last (3.75 s of a 30 s window) and the look. */
#define TREND_DIP_BUCKETS 8

/* Whether the fall at bucket b, from was to v, is a dip; was is the
 * floor before the falls in a row began (a collection that takes a
 * second falls over two or three floors: the concave ramp after it
 * jumps over its last step, never over the whole fall). A fall too
 * recent to tell is taken as given back: a sawtooth's newest collection
 * must widen the envelope at once, and a dip costs a wide envelope for
 * as long as it lasts. */
static bool is_dip(const struct trend *t, uint64_t b, uint64_t was, uint64_t v) {
        uint64_t last = v;
        for (uint64_t c = b + 1; c <= b + TREND_DIP_BUCKETS && c < t->head; c++) {
                uint64_t u = t->floor[c % TREND_BUCKETS];
                if (u == TREND_EMPTY)
                        continue;
                if (u >= was)
                        return u > last && 4 * (double)(u - last) >= 3 * (double)(was - v);
                last = u;
        }
        return false;
}

/* The longest rise the floors gave back within the ring, in buckets: at
 * each fall that is no dip (is_dip), back to the last floor no higher
 * than where it fell to, counted when the highest floor in between stood
 * more than TREND_RISE_OVER_SCATTER typical steps above it, as a trend's
 * rise must stand out of its scatter: a noisy floor's dips and a leak's
 * give back nothing, a sawtooth's collection gives back its whole period,
 * however long the machine made it, as does a cache dropped after it
 * filled. A fall below every floor in the ring counts back to the ring's
 * oldest (the rise began before it: the guard started mid-ramp, or a
 * trough a little lower than the ones before); that made a leak's one
 * short dip the ring's age wide, and its one low floor most of the fit,
 * which is why dips are told apart first. The whole ring counts, also
 * what a trend's end made the fit forget: that a rise was given back is
 * the point. At least 1. */
static uint64_t given_back(const struct trend *t) {
        uint64_t oldest = ring_oldest(t), longest = 1, prev = TREND_EMPTY;
        uint64_t top = TREND_EMPTY; /* the floor before the falls in a row up to b */
        double step = typical_step(t);
        for (uint64_t b = oldest; b < t->head; b++) {
                uint64_t v = t->floor[b % TREND_BUCKETS];
                if (v == TREND_EMPTY)
                        continue;
                bool fell = prev != TREND_EMPTY && v < prev;
                top = !fell ? TREND_EMPTY : top != TREND_EMPTY ? top : prev;
                if (fell && !is_dip(t, b, top, v)) {
                        uint64_t s = b, peak = prev; /* EMPTY (UINT64_MAX) is never <= v */
                        while (s > oldest && !(t->floor[(s - 1) % TREND_BUCKETS] <= v)) {
                                uint64_t u = t->floor[(s - 1) % TREND_BUCKETS];
                                peak = u != TREND_EMPTY && u > peak ? u : peak;
                                s--;
                        }
                        uint64_t from = s > oldest ? s - 1 : oldest;
                        if ((double)(peak - v) > TREND_RISE_OVER_SCATTER * step && b - from > longest)
                                longest = b - from;
                }
                prev = v;
        }
        return longest;
}

/* The lower envelope of the closed buckets from t->first on: each
 * bucket's floor replaced by the lowest within h buckets either side (a
 * tie keeps the bucket itself, then the earliest). h is the longest rise
 * given back (given_back): a bucket on a sawtooth's ramp has a trough
 * within one period, so the points are the troughs. A steady leak gives
 * nothing back: h is 1, a bucket and its two neighbours, and a bucket
 * that saw only a peak drops out. Returns the number of distinct points,
 * their bucket numbers in bs; weight[i] is how many buckets bs[i] stands
 * for. */
static size_t envelope(const struct trend *t, uint64_t h, uint64_t bs[TREND_BUCKETS], unsigned weight[TREND_BUCKETS]) {
        unsigned stands_for[TREND_BUCKETS] = { 0 };
        for (uint64_t b = t->first; b < t->head; b++) {
                if (t->floor[b % TREND_BUCKETS] == TREND_EMPTY)
                        continue;
                uint64_t best = b, lo = b - t->first > h ? b - h : t->first, hi = b + h < t->head ? b + h : t->head - 1;
                for (uint64_t c = lo; c <= hi; c++)
                        if (t->floor[c % TREND_BUCKETS] < t->floor[best % TREND_BUCKETS])
                                best = c; /* strictly lower: the earliest of equals */
                stands_for[best % TREND_BUCKETS]++;
        }
        size_t m = 0;
        for (uint64_t b = t->first; b < t->head; b++)
                if (stands_for[b % TREND_BUCKETS]) {
                        weight[m] = stands_for[b % TREND_BUCKETS];
                        bs[m++] = b;
                }
        return m;
}

static void swap_d(double *a, double *b) {
        double x = *a;
        *a = *b;
        *b = x;
}

/* The k-th smallest of a[0..n) (quickselect with a three-way partition:
 * a steady leak's slopes are nearly all equal, and a two-way partition
 * goes quadratic on equal keys; reorders a). */
static double select_kth(double *a, size_t n, size_t k) {
        size_t lo = 0, hi = n; /* [lo, hi) holds the k-th */
        while (hi - lo > 1) {
                double pivot = a[lo + (hi - lo) / 2];
                size_t lt = lo, i = lo, gt = hi; /* [lo,lt) < pivot, [lt,i) == pivot, [gt,hi) > pivot */
                while (i < gt) {
                        if (a[i] < pivot)
                                swap_d(&a[lt++], &a[i++]);
                        else if (a[i] > pivot)
                                swap_d(&a[i], &a[--gt]);
                        else
                                i++;
                }
                if (k < lt)
                        hi = lt;
                else if (k >= gt)
                        lo = gt;
                else
                        return pivot;
        }
        return a[k];
}

static double median(double *a, size_t n) {
        double upper = select_kth(a, n, n / 2);
        if (n % 2)
                return upper;
        double lower = a[0]; /* the largest of a[0..n/2) after the selection */
        for (size_t i = 1; i < n / 2; i++)
                lower = a[i] > lower ? a[i] : lower;
        return (lower + upper) / 2;
}

/* The line through p[0..n), each point repeated as often as it stands
 * for (trend_refit: a pair of repeats is a slope of 0); the scatter is
 * that of the distinct floors, d[0..nd), each once: repeated, two heavy
 * points would make a line of their own with no scatter at all. */
static void theil_sen(const struct point *p, size_t n, const struct point *d, size_t nd, struct trend_fit *f) {
        double slopes[TREND_BUCKETS * (TREND_BUCKETS - 1) / 2];
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                        slopes[m++] = p[j].t > p[i].t ? (p[j].v - p[i].v) / (p[j].t - p[i].t) : 0;
        if (!m)
                return;
        f->slope = median(slopes, m);
        double rest[TREND_BUCKETS];
        for (size_t i = 0; i < n; i++)
                rest[i] = p[i].v - f->slope * p[i].t;
        f->intercept = median(rest, n);
        /* the scatter around the line: the median absolute residual */
        for (size_t i = 0; i < nd; i++)
                rest[i] = fabs(d[i].v - f->intercept - f->slope * d[i].t);
        f->scatter = median(rest, nd);
        f->valid = true;
}

/* The trend ended when the newest floor falls below the line by half of
 * what it rose over the fit, and by more than the scatter allows (a
 * cache dropped, a leak fixed, a job's phase over): count again from
 * there. Only a fall that big: restarting at every low point would fit
 * each following stretch from a low, a rise that noise alone makes. */
static bool trend_ended(const struct trend_fit *f, const struct point *newest) {
        double below = f->intercept + f->slope * newest->t - newest->v;
        double rise = f->slope * (f->last_s - f->first_s);
        return below > rise / 2 && below > TREND_RISE_OVER_SCATTER * f->scatter;
}

/* Each point counts for the buckets it stands for: it is repeated, and
 * two buckets that one trough stands for vote for no slope (the floor
 * did not move between them). Why: a sawtooth's trough stands for its
 * whole period, and a ramp that outlasts the longest one given back
 * shows only by its excess, a point a bucket; counted once each, three
 * troughs would be outvoted by four buckets of a ramp about to be
 * collected, and the line would be the ramp's. Counted so, a rise must
 * outweigh the cycles in the window before it is the trend. A steady
 * leak's points stand for one bucket each (the oldest for two): its line
 * is the same. Never more points than closed buckets: the same cost. */
void trend_refit(struct trend *t) {
        if (!t->dirty)
                return;
        t->dirty = false;
        t->fit = (struct trend_fit){ 0 };
        uint64_t bs[TREND_BUCKETS];
        unsigned weight[TREND_BUCKETS];
        size_t n = envelope(t, given_back(t), bs, weight), all = 0;
        if (n < 3)
                return;
        struct point p[TREND_BUCKETS], d[TREND_BUCKETS];
        for (size_t i = 0; i < n; i++) {
                d[i] = (struct point){ point_time(t, bs[i]), (double)t->floor[bs[i] % TREND_BUCKETS] };
                for (unsigned w = 0; w < weight[i]; w++)
                        p[all++] = d[i];
        }
        t->fit.first_s = d[0].t;
        t->fit.last_s = d[n - 1].t;
        theil_sen(p, all, d, n, &t->fit);
        if (t->fit.valid && trend_ended(&t->fit, &d[n - 1])) {
                t->first = bs[n - 1]; /* forgotten for good */
                t->fit = (struct trend_fit){ 0 };
                return;
        }
        t->fit.n = (unsigned)n;
        t->fit.valid = t->fit.valid && n >= TREND_MIN_POINTS;
        t->fit.significant = t->fit.slope * (t->fit.last_s - t->fit.first_s) > TREND_RISE_OVER_SCATTER * t->fit.scatter;
}

bool trend_forecast(const struct trend *t, uint64_t now_ns, uint64_t limit, struct trend_forecast *ret) {
        *ret = (struct trend_forecast){ .time_to_limit_s = -1 };
        const struct trend_fit *f = &t->fit;
        if (!t->width_ns || !t->started || !f->valid || now_ns < t->origin_ns)
                return false;
        double window_s = (double)t->width_ns * TREND_BUCKETS / (double)NSEC_PER_SEC;
        double now_s = (double)(now_ns - t->origin_ns) / (double)NSEC_PER_SEC;
        /* A quarter of the window followed, and not gone silent for longer. */
        if (f->last_s - f->first_s < window_s / 4 || now_s - f->last_s > window_s / 4)
                return false;
        ret->valid = true;
        ret->slope = f->slope;
        ret->growing = f->slope > 0 && f->significant;
        ret->level = f->intercept + f->slope * now_s;
        ret->span_s = now_s - f->first_s;
        /* No further than TREND_AHEAD_WINDOWS windows: a line fitted to one
         * window says little of what comes after several (and a slight
         * slope under a huge limit would give ~1e19 s). */
        if (ret->growing && limit && limit != BYTES_UNLIMITED) {
                double ttl = fmax(0, ((double)limit - ret->level) / f->slope);
                if (ttl <= TREND_AHEAD_WINDOWS * window_s)
                        ret->time_to_limit_s = ttl;
        }
        return true;
}

void trend_machine_level(const struct meminfo *m, uint64_t *level, uint64_t *limit) {
        uint64_t ram = m->mem_total > m->mem_available ? m->mem_total - m->mem_available : 0;
        uint64_t swap = m->swap_total > m->swap_free ? m->swap_total - m->swap_free : 0;
        *level = ram + swap;
        *limit = m->mem_total + m->swap_total;
}
