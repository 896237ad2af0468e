/* Limit-hit alarms (policy/alarm.h): the episode state machine on plain
 * counters and times, and its text. */
#include "testing.h"

#include "policy/alarm.h"
#include "util.h"

#define S NSEC_PER_SEC
#define MS NSEC_PER_MSEC
#define CLEAR (60 * S)

/* A simulated counter fed at every tick. */
struct sim {
        struct alarm_state st;
        uint64_t counter, t;
        double threshold;
        unsigned fired, cleared;
        struct alarm_result last_fired, last_cleared;
};

/* Run for dur at rate events/s, a reading every tick. */
static void run(struct sim *s, uint64_t dur, double rate, uint64_t tick) {
        double carry = 0;
        for (uint64_t end = s->t + dur; s->t < end;) {
                s->t += tick;
                carry += rate * (double)tick / (double)S;
                s->counter += (uint64_t)carry;
                carry -= (double)(uint64_t)carry;
                struct alarm_result r;
                enum alarm_change c = alarm_update(&s->st, s->threshold, CLEAR, s->counter, s->t, &r);
                if (c == ALARM_FIRED) {
                        s->fired++;
                        s->last_fired = r;
                } else if (c == ALARM_CLEARED) {
                        s->cleared++;
                        s->last_cleared = r;
                }
        }
}

static struct sim sim_new(double threshold) {
        struct sim s = { .t = 1000 * S, .counter = 123456, .threshold = threshold };
        run(&s, 0, 0, 100 * MS);
        struct alarm_result r;
        (void)alarm_update(&s.st, threshold, CLEAR, s.counter, s.t, &r); /* the first look */
        return s;
}

/* A storm fires once; it going on says nothing more; quiet for
 * clear_after clears once. */
static void test_storm_fires_once_then_clears_once(void **state) {
        struct sim s = sim_new(10);
        run(&s, 10 * S, 1, 100 * MS); /* below the threshold: nothing */
        assert_int_equal(s.fired, 0);
        run(&s, 2 * S, 850, 100 * MS);
        assert_int_equal(s.fired, 1);
        assert_true(s.last_fired.rate > 800 && s.last_fired.rate < 900);
        run(&s, 300 * S, 850, 100 * MS); /* five minutes more of it */
        assert_int_equal(s.fired, 1);
        assert_int_equal(s.cleared, 0);
        run(&s, CLEAR - 2 * S, 0, 100 * MS); /* not quite long enough */
        assert_int_equal(s.cleared, 0);
        run(&s, 3 * S, 0, 100 * MS);
        assert_int_equal(s.cleared, 1);
        assert_int_equal(s.fired, 1);
        assert_true(s.last_cleared.peak_rate > 800);
        /* every hit of the episode counted (302 s at 850/s, give or take a window) */
        assert_true(s.last_cleared.hits >= 850 * 301 && s.last_cleared.hits <= 850 * 303);
        assert_true(s.last_cleared.calm_ns >= CLEAR);
        run(&s, 600 * S, 0, 100 * MS); /* quiet stays quiet */
        assert_int_equal(s.fired, 1);
        assert_int_equal(s.cleared, 1);
}

/* Storms and lulls shorter than clear_after are one episode; so is a
 * rate hovering between half the threshold and the threshold. */
static void test_flapping_is_one_episode(void **state) {
        struct sim s = sim_new(10);
        for (int i = 0; i < 10; i++) {
                run(&s, 5 * S, 100, 100 * MS);
                run(&s, 30 * S, 0, 100 * MS);
        }
        run(&s, 120 * S, 7, 100 * MS); /* above half: not calm */
        assert_int_equal(s.fired, 1);
        assert_int_equal(s.cleared, 0);
        run(&s, CLEAR + 2 * S, 4, 100 * MS); /* below half: calm */
        assert_int_equal(s.cleared, 1);
        run(&s, 5 * S, 100, 100 * MS); /* after it cleared: a new episode */
        assert_int_equal(s.fired, 2);
}

/* A recreated cgroup's counter starts from 0: no storm, no negative rate. */
static void test_counter_reset_no_false_storm(void **state) {
        struct sim s = sim_new(10);
        struct alarm_result r;
        s.counter = 10; /* the first look saw 123456 */
        s.t += 2 * S;
        assert_int_equal(alarm_update(&s.st, 10, CLEAR, s.counter, s.t, &r), ALARM_NONE);
        run(&s, 10 * S, 1, 100 * MS);
        assert_int_equal(s.fired, 0);
        /* in an episode, a reset neither clears nor fires again */
        run(&s, 3 * S, 500, 100 * MS);
        assert_int_equal(s.fired, 1);
        s.counter = 0;
        run(&s, 5 * S, 500, 100 * MS);
        assert_int_equal(s.fired, 1);
        assert_int_equal(s.cleared, 0);
}

/* The first look at a counter with a long history is not a storm. */
static void test_history_is_no_storm(void **state) {
        struct alarm_state st = { 0 };
        struct alarm_result r;
        assert_int_equal(alarm_update(&st, 10, CLEAR, 99999999, 5 * S, &r), ALARM_NONE);
        assert_int_equal(alarm_update(&st, 10, CLEAR, 99999999, 7 * S, &r), ALARM_NONE);
        assert_true(r.rate == 0);
}

/* Ticks 10 ms apart, 1 s apart, and a 5 s gap (a cold cgroup): the rate
 * is measured over >= 1 s windows, a burst within one tick is averaged. */
static void test_irregular_intervals(void **state) {
        struct sim fast = sim_new(100);
        run(&fast, 3 * S, 150, 10 * MS);
        assert_int_equal(fast.fired, 1);
        assert_true(fast.last_fired.rate > 140 && fast.last_fired.rate < 160);
        struct sim slow = sim_new(100);
        run(&slow, 3 * S, 150, S);
        assert_int_equal(slow.fired, 1);
        /* 50 events in one 10 ms tick, nothing around: 5000/s for a tick,
         * 50/s over the window: no storm at 100/s */
        struct sim burst = sim_new(100);
        run(&burst, 2 * S, 0, 10 * MS);
        burst.counter += 50;
        run(&burst, 2 * S, 0, 10 * MS);
        assert_int_equal(burst.fired, 0);
        /* one 5 s gap with 1000 events: 200/s, a storm */
        struct sim gap = sim_new(100);
        struct alarm_result r;
        gap.counter += 1000;
        assert_int_equal(alarm_update(&gap.st, 100, CLEAR, gap.counter, gap.t + 5 * S, &r), ALARM_FIRED);
        assert_true(r.rate > 199 && r.rate < 201);
}

/* "any" (threshold 0): one event fires, clear_after without any clears. */
static void test_any(void **state) {
        struct sim s = sim_new(0);
        run(&s, 30 * S, 0, 100 * MS);
        assert_int_equal(s.fired, 0);
        s.counter++;
        run(&s, 2 * S, 0, 100 * MS);
        assert_int_equal(s.fired, 1);
        run(&s, 30 * S, 0, 100 * MS);
        s.counter++; /* within clear_after: the same episode */
        run(&s, CLEAR - 1 * S, 0, 100 * MS);
        assert_int_equal(s.cleared, 0);
        run(&s, 3 * S, 0, 100 * MS);
        assert_int_equal(s.cleared, 1);
        assert_int_equal(s.last_cleared.hits, 2);
        assert_int_equal(s.fired, 1);
}

/* Off (or turned off by a reload): nothing, and the state is forgotten. */
static void test_off(void **state) {
        struct sim s = sim_new(10);
        run(&s, 3 * S, 500, 100 * MS);
        assert_int_equal(s.fired, 1);
        s.threshold = -1;
        run(&s, 100 * S, 500, 100 * MS);
        assert_false(s.st.active);
        assert_int_equal(s.cleared, 0);
}

static void test_text(void **state) {
        char buf[320];
        struct alarm_result f = { .rate = 850.4, .duration_ns = 12 * S };
        alarm_describe(ALARM_FAILCNT, false, ALARM_FIRED, &f, 10, buf, sizeof(buf));
        assert_string_equal(buf, "memory.failcnt rising 850/s (warn at 10/s) for 12 s: the limit is being hit");
        struct alarm_result c = { .peak_rate = 1200, .hits = 40120, .calm_ns = 60 * S, .duration_ns = 95 * S };
        alarm_describe(ALARM_FAILCNT, false, ALARM_CLEARED, &c, 10, buf, sizeof(buf));
        assert_string_equal(buf, "memory.failcnt calm for 60 s (peak 1200/s, 40,120 hits in the episode of 95 s)");
        struct alarm_result o = { .rate = 0.5, .duration_ns = 2 * S };
        alarm_describe(ALARM_OOM, true, ALARM_FIRED, &o, 0, buf, sizeof(buf));
        assert_string_equal(
                buf, "memory.events.local oom rising 0.5/s (warn at any) for 2 s: the limit could not be met: OOM");
        struct alarm_result big = { .peak_rate = 2.5, .hits = 18446744073709551615u };
        alarm_describe(ALARM_HIGH, true, ALARM_CLEARED, &big, 1, buf, sizeof(buf));
        assert_string_equal(
                buf,
                "memory.events.local high calm for 0 s (peak 2.5/s, 18,446,744,073,709,551,615 hits in the episode of 0 s)");
        alarm_describe(ALARM_HIGH, true, ALARM_CLEARED, &big, 1, buf, 10); /* cut, terminated */
        assert_int_equal(strlen(buf), 9);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_storm_fires_once_then_clears_once),
                cmocka_unit_test(test_flapping_is_one_episode),
                cmocka_unit_test(test_counter_reset_no_false_storm),
                cmocka_unit_test(test_history_is_no_storm),
                cmocka_unit_test(test_irregular_intervals),
                cmocka_unit_test(test_any),
                cmocka_unit_test(test_off),
                cmocka_unit_test(test_text),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
