/* The leak trend on a sawtooth that a slow machine stretched: what
 * tests/vm/scenarios/v2-trend.sh runs under qemu's TCG (leaker saw 100
 * 250 1 in a 512 MiB cgroup, leak_window 30s, leak_warn_within 90s,
 * 100 ms ticks), where touching 150 MiB takes seconds: periods of 2 to
 * 8 s instead of 1, each its own length, ramps that slow down or speed
 * up, a collection (munmap) that takes up to a second, the guard started
 * mid-cycle, a first cycle whose floor is higher. None of it may warn;
 * the steady leak beside it (4 MiB/s from 256 MiB) still must, within
 * 40 s and within 30 % of the time really left. Sampled as the daemon
 * does: trend_add, trend_refit, trend_forecast and the episode a tick. */
#include "testing.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include "policy/leak_warn.h"
#include "snapshot/trend.h"
#include "util.h"

#define MiB (1024.0 * 1024.0)
#define S(x) ((uint64_t)((x) * (double)NSEC_PER_SEC))
#define START S(1000) /* a monotonic clock is never 0 */
#define WINDOW_S 30.0
#define HORIZON_S 90.0
#define LIMIT (512 * MiB)

static uint32_t rng;
static double uniform(void) { /* [0, 1), a fixed sequence per seed */
        rng = rng * 1103515245u + 12345u;
        return (double)(rng >> 8) / (double)(1u << 24);
}

/* A sawtooth: cycles of a ramp from the floor to 250 MiB, of a length
 * drawn from [ramp_min_s, ramp_max_s], and a fall back over up to
 * drop_max_s. The guard starts phase (0..1) into the first ramp. */
struct saw {
        double ramp_min_s, ramp_max_s, drop_max_s;
        double gamma;       /* the ramp's shape: level ~ phase^gamma */
        double first_floor; /* MiB: the first cycle's floor (the rest: 100) */
        double phase;       /* where in the first ramp the guard starts */
        const char *what;
        const double *ramps; /* if set: the ramps' lengths in turn, 0 ends */
};

#define MAX_CYCLES 256
static struct { double start, ramp, drop, floor; } cycles[MAX_CYCLES];
static size_t n_cycles;
static double gamma_;

static void make_cycles(const struct saw *w, double until_s) {
        double t = 0;
        n_cycles = 0;
        while (t < until_s && n_cycles < MAX_CYCLES) {
                double ramp = w->ramp_min_s + (w->ramp_max_s - w->ramp_min_s) * uniform();
                if (w->ramps) {
                        size_t k = 0;
                        while (w->ramps[k])
                                k++;
                        ramp = w->ramps[n_cycles % k];
                }
                double drop = 0.05 + (w->drop_max_s - 0.05) * uniform();
                if (!n_cycles)
                        t = -(w->phase < 0 ? uniform() : w->phase) * ramp;
                cycles[n_cycles].start = t;
                cycles[n_cycles].ramp = ramp;
                cycles[n_cycles].drop = drop;
                cycles[n_cycles].floor = (n_cycles ? 100 : w->first_floor) * MiB;
                t += ramp + drop;
                n_cycles++;
        }
        gamma_ = w->gamma;
}

static double saw_level(double t) {
        for (size_t i = 0; i < n_cycles; i++) {
                double into = t - cycles[i].start, lo = cycles[i].floor;
                if (into >= cycles[i].ramp + cycles[i].drop)
                        continue;
                if (into < cycles[i].ramp)
                        return lo + (250 * MiB - lo) * pow(into / cycles[i].ramp, gamma_);
                double next = i + 1 < n_cycles ? cycles[i + 1].floor : lo;
                return 250 * MiB - (250 * MiB - next) * (into - cycles[i].ramp) / cycles[i].drop;
        }
        return 100 * MiB;
}

/* Ticks 100 to 150 ms apart (the guard's interval, late on a slow
 * machine) until until_s; returns when the first warning fired (-1:
 * never), and the forecast then in *ttl. */
static double first_warning(double (*level)(double), double until_s, double *ttl) {
        struct trend t;
        trend_init(&t, S(WINDOW_S));
        struct leak_rule r = { .warn_within_ns = S(HORIZON_S), .window_ns = S(WINDOW_S) };
        struct leak_episode e = { 0 };
        for (double s = 0; s < until_s; s += 0.1 + 0.05 * uniform()) {
                trend_add(&t, START + S(s), (uint64_t)level(s));
                trend_refit(&t);
                struct trend_forecast f;
                trend_forecast(&t, START + S(s), (uint64_t)LIMIT, &f);
                if (leak_episode_step(&e, &r, &f, START + S(s)) == WARNING_FIRED) {
                        *ttl = f.time_to_limit_s;
                        return s;
                }
        }
        return -1;
}

/* Each shape with several seeds: the periods, the drops and the ticks
 * differ with each. 90 s: three windows, the ring wrapped twice. */
static bool warns(const struct saw *w, uint32_t seed) {
        rng = seed * 7919;
        make_cycles(w, 100);
        double ttl, at = first_warning(saw_level, 90, &ttl);
        if (at >= 0)
                print_message("%s, seed %u: a leak warning at %.1f s (limit in %.0f s)\n", w->what, seed, at, ttl);
        return at >= 0;
}

static void no_warning(const struct saw *w, uint32_t seeds) {
        unsigned warned = 0;
        for (uint32_t seed = 1; seed <= seeds; seed++)
                warned += warns(w, seed);
        assert_int_equal(warned, 0);
}

/* Regular periods, the guard starting late in a ramp: what it saw of
 * that ramp stretched the first fit's span to a quarter of the window
 * while the ramp after the collection made its slope. */
static void test_regular_stretched_periods(void **state) {
        for (double p = 2; p <= 7; p += 1) {
                char what[64];
                snprintf(what, sizeof(what), "a regular %.0f s period", p);
                for (double phase = 0.1; phase < 1; phase += 0.2) {
                        struct saw w = { p, p, 0.3, 1, 100, phase, what, NULL };
                        no_warning(&w, 4);
                }
        }
}

/* A ramp longer than a quarter of the window (7.8 s): once the floors
 * have given back a rise (the guard started in the middle of a ramp), a
 * ramp like it is no trend. */
static void test_ramps_longer_than_a_quarter_window(void **state) {
        for (double phase = 0.1; phase <= 0.55; phase += 0.15) {
                struct saw w = { 7.8, 7.8, 0.3, 1, 100, phase, "a regular 8 s period", NULL };
                no_warning(&w, 6);
        }
        struct saw w = { 5, 7.8, 0.3, 1, 100, 0.5, "periods of 5 to 8 s", NULL };
        no_warning(&w, 12);
}

/* Each period its own length, between 2 and 8 s. */
static void test_irregular_periods(void **state) {
        struct saw w = { 1.8, 7.8, 0.3, 1, 100, 0.5, "periods of 2 to 8 s", NULL };
        no_warning(&w, 24);
        struct saw v = { 2.8, 5.8, 0.3, 1, 100, 0.8, "periods of 3 to 6 s", NULL };
        no_warning(&v, 24);
}

/* A ramp twice or three times as long as the few before it, as when
 * the machine stalled: it outlasts every rise given back by seconds, and
 * its buckets must not outvote the troughs of the cycles before it. */
static void test_one_ramp_much_longer(void **state) {
        static const double after_two[] = { 3.6, 3.6, 7.1, 0 }, after_three[] = { 6, 3, 2.9, 7.7, 0 },
                            after_five[] = { 2.5, 2.5, 2.5, 2.5, 2.5, 7.5, 0 };
        const double *lists[] = { after_two, after_three, after_five };
        for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                for (double phase = 0.05; phase < 1; phase += 0.15) {
                        struct saw w = { 0, 0, 0.3, 0.5, 100, phase, "a concave ramp after shorter ones", lists[i] };
                        no_warning(&w, 4);
                        w.gamma = 1;
                        w.what = "a ramp after shorter ones";
                        no_warning(&w, 4);
                }
        /* found by sweeping 400 seeds of random phases: a concave ramp
         * of 7.1 s after two of 3.6 s, one of 7.8 s after 3 and 2.9 s;
         * the ramp's buckets outvoted the troughs until two buckets of one
         * trough voted for no slope */
        struct saw any = { 1.8, 7.8, 0.3, 0.5, 100, -1, "a concave ramp, any phase", NULL };
        assert_false(warns(&any, 129));
        assert_false(warns(&any, 286));
}

/* Ramps that start fast and slow down, or the reverse; collections that
 * take a second; a first cycle whose floor is higher. */
static void test_slow_ramps_and_drops(void **state) {
        struct saw concave = { 1.8, 7.8, 0.3, 0.5, 100, 0.5, "concave ramps of 2 to 8 s", NULL };
        no_warning(&concave, 16);
        struct saw convex = { 1.8, 7.8, 0.3, 2, 100, 0.5, "convex ramps of 2 to 8 s", NULL };
        no_warning(&convex, 16);
        struct saw slow_drop = { 2.8, 5.8, 1.0, 1, 100, 0.5, "collections of up to 1 s", NULL };
        no_warning(&slow_drop, 16);
        struct saw high_first = { 2.8, 5.8, 0.3, 1, 160, 0.3, "a first floor at 160 MiB", NULL };
        no_warning(&high_first, 16);
        /* a concave ramp jumps back over the last floors of a slow
         * collection, never over the whole fall: no dip (seed 191, and
         * 13 of 300 when any climb back within 8 floors was one) */
        struct saw slow_concave = { 1.8, 7.8, 1.0, 0.5, 100, 0.5, "concave ramps after slow collections", NULL };
        no_warning(&slow_concave, 200);
}

/* What it cannot tell: a ramp seen from its trough for longer than a
 * quarter of the window, before any collection, is a leak for all the
 * floors say (as fast as 19 MiB/s, the limit in 14 s). After its first
 * collection, the episode ends and no ramp like it warns again. */
static void test_first_ramp_is_a_leak(void **state) {
        struct saw w = { 8.5, 8.5, 0.3, 1, 100, 0.0, "an 8.5 s ramp from its trough", NULL };
        rng = 1;
        make_cycles(&w, 100);
        double ttl, at = first_warning(saw_level, 10, &ttl);
        assert_true(at > 7.5 && at < 10);
        struct trend t;
        trend_init(&t, S(WINDOW_S));
        struct leak_rule r = { .warn_within_ns = S(HORIZON_S), .window_ns = S(WINDOW_S) };
        struct leak_episode e = { 0 };
        unsigned fired = 0;
        for (double s = 0; s < 90; s += 0.1 + 0.05 * uniform()) {
                trend_add(&t, START + S(s), (uint64_t)saw_level(s));
                trend_refit(&t);
                struct trend_forecast f;
                trend_forecast(&t, START + S(s), (uint64_t)LIMIT, &f);
                fired += leak_episode_step(&e, &r, &f, START + S(s)) == WARNING_FIRED;
        }
        assert_int_equal(fired, 1);
}

/* The floor under a stretched sawtooth that does rise (2 MiB/s under
 * 100 MiB ramps of 4 to 7 s, as a heap whose live set leaks): followed by
 * its troughs, the slope within 5 %, once a window has passed. */
static double rising_level(double t) {
        for (size_t i = 0; i < n_cycles; i++) {
                double into = t - cycles[i].start;
                if (into < cycles[i].ramp + cycles[i].drop)
                        return 200 * MiB + 2 * MiB * t +
                               100 * MiB * (into < cycles[i].ramp ? into / cycles[i].ramp : 0);
        }
        return 0;
}

static void test_rising_floor_under_a_stretched_sawtooth(void **state) {
        for (uint32_t seed = 1; seed <= 6; seed++) {
                rng = seed * 31;
                struct saw w = { 4, 7, 0.05, 1, 100, 0.5, "", NULL };
                make_cycles(&w, 100);
                struct trend t;
                trend_init(&t, S(WINDOW_S));
                for (double s = 0; s < 3 * WINDOW_S; s += 0.1 + 0.05 * uniform()) {
                        trend_add(&t, START + S(s), (uint64_t)rising_level(s));
                        trend_refit(&t);
                }
                struct trend_forecast f;
                trend_forecast(&t, START + S(3 * WINDOW_S), 4096 * (uint64_t)MiB, &f);
                assert_true(f.valid && f.growing);
                assert_true(fabs(f.slope - 2 * MiB) < 0.05 * 2 * MiB);
        }
}

/* The leaker beside it: 4 MiB/s from 256 MiB, started 3 s before the
 * guard; it warns within 40 s, the limit in what is really left within
 * 30 %. */
static double leak_level(double t) { return fmin(LIMIT, 256 * MiB + 4 * MiB * (t + 3)); }

static double killed_at;
static double killed_leak(double t) { return t < killed_at ? leak_level(t) : 2 * MiB; }

static void test_steady_leak_still_warns(void **state) {
        for (uint32_t seed = 1; seed <= 8; seed++) {
                rng = seed;
                double ttl, at = first_warning(leak_level, 60, &ttl);
                assert_true(at > 0 && at < 40);
                double left = (LIMIT - leak_level(at)) / (4 * MiB);
                assert_true(fabs(ttl - left) <= 0.3 * left);
        }
        /* killed 2 s after the warning: back to normal within 2 s */
        killed_at = 10.5;
        struct trend t;
        trend_init(&t, S(WINDOW_S));
        struct leak_rule r = { .warn_within_ns = S(HORIZON_S), .window_ns = S(WINDOW_S) };
        struct leak_episode e = { 0 };
        double fired = -1, cleared = -1;
        for (double s = 0; s < 30 && cleared < 0; s += 0.1 + 0.05 * uniform()) {
                trend_add(&t, START + S(s), (uint64_t)killed_leak(s));
                trend_refit(&t);
                struct trend_forecast f;
                trend_forecast(&t, START + S(s), (uint64_t)LIMIT, &f);
                int step = leak_episode_step(&e, &r, &f, START + S(s));
                fired = step == WARNING_FIRED && fired < 0 ? s : fired;
                cleared = step == WARNING_CLEARED ? s : cleared;
        }
        assert_true(fired > 0 && fired < killed_at);
        assert_true(cleared > killed_at && cleared < killed_at + 2);
}

/* The leaker with short dips (a cache trimmed and refilled, a sparse
 * low sample): depth MiB for len s from when on, every every s (0:
 * once). A dip falls below every floor in the ring; taken for a rise
 * given back, it made the envelope as wide as the ring's age and its one
 * floor outvoted the leak's (a warning 10 s late and 77 % short, or none
 * before the limit). */
static double dip_depth, dip_when, dip_len, dip_every;
static double dipped_leak(double t) {
        double into = dip_every > 0 ? fmod(t - dip_when + 1000 * dip_every, dip_every) : t - dip_when;
        return leak_level(t) - (t >= dip_when && into < dip_len ? dip_depth * MiB : 0);
}

static void dipped_leak_warns(double depth, double when, double len, double every) {
        dip_depth = depth, dip_when = when, dip_len = len, dip_every = every;
        for (uint32_t seed = 1; seed <= 4; seed++) {
                rng = seed;
                double ttl, at = first_warning(dipped_leak, 70, &ttl);
                double left = (LIMIT - leak_level(at)) / (4 * MiB);
                bool ok = at > 0 && at < 20 && fabs(ttl - left) <= 0.3 * left;
                if (!ok)
                        print_message(
                                "%.0f MiB for %.2f s at %.0f s every %.0f s, seed %u: warned at %.1f s, "
                                "limit in %.0f s for %.0f\n",
                                depth, len, when, every, seed, at, ttl, left);
                assert_true(ok);
        }
}

static void test_leak_with_one_dip(void **state) {
        dipped_leak_warns(100, 5, 0.5, 0); /* was: at 23 s, "9 s" for 38 */
        /* 1 and 2 s (up to 5 buckets): they jump back onto the line as a
         * shorter one does (was for 40 MiB for 1 s at 3 s: "19 s" for 47) */
        for (double when = 1; when <= 7; when += 2)
                for (double len = 1; len <= 2; len++) {
                        dipped_leak_warns(40, when, len, 0);
                        dipped_leak_warns(100, when, len, 0);
                }
}

static void test_leak_with_a_dip_every_7s(void **state) {
        dipped_leak_warns(40, 2, 0.05, 7); /* was: never */
        dipped_leak_warns(40, 2, 0.5, 7);  /* was: at 58.6 s, 2 s left */
}

/* Dips of 20 to 100 MiB, one sample or 0.5 s, once or every 7 s, from
 * 2, 5 or 9 s. But for 0.5 s every 7 s from 5 s, which never warned
 * before the envelope took the rises given back either: its first dip
 * comes before the warning and, as each after it, falls below the line
 * by half the rise: the trend ends (trend_ended) every 7 s, before the
 * fit spans a quarter of the window (7.5 s). */
static void test_leak_with_dips_any_phase(void **state) {
        static const double depths[] = { 20, 40, 100 }, whens[] = { 2, 5, 9 }, lens[] = { 0.05, 0.5 },
                            everys[] = { 0, 7 };
        for (size_t a = 0; a < ELEMENTSOF(depths); a++)
                for (size_t b = 0; b < ELEMENTSOF(whens); b++)
                        for (size_t c = 0; c < ELEMENTSOF(lens); c++)
                                for (size_t d = 0; d < ELEMENTSOF(everys); d++)
                                        if (!(whens[b] == 5 && lens[c] == 0.5 && everys[d] == 7))
                                                dipped_leak_warns(depths[a], whens[b], lens[c], everys[d]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_regular_stretched_periods),
                cmocka_unit_test(test_ramps_longer_than_a_quarter_window),
                cmocka_unit_test(test_irregular_periods),
                cmocka_unit_test(test_one_ramp_much_longer),
                cmocka_unit_test(test_slow_ramps_and_drops),
                cmocka_unit_test(test_first_ramp_is_a_leak),
                cmocka_unit_test(test_rising_floor_under_a_stretched_sawtooth),
                cmocka_unit_test(test_steady_leak_still_warns),
                cmocka_unit_test(test_leak_with_one_dip),
                cmocka_unit_test(test_leak_with_a_dip_every_7s),
                cmocka_unit_test(test_leak_with_dips_any_phase),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
