/* Pacing: the machine-wide kill cap and the per-target post_kill_delay
 * (actions/pacing.h), on plain state. */
#include "testing.h"

#include "actions/pacing.h"
#include "snapshot/cgroup_set.h"
#include "util.h"

#define S NSEC_PER_SEC
#define MS NSEC_PER_MSEC

static const struct daemon_settings defaults = { .post_kill_delay_ns = S, .max_kills_per_minute = 10 };

/* The cap counts kills in any 60 s, wherever they were. */
static void test_cap_any_minute(void **state) {
        struct pacing p = { 0 };
        uint64_t t = 1000 * S;
        for (int i = 0; i < 10; i++) {
                assert_false(pacing_cap_reached(&p, &defaults, t));
                pacing_record(&p, t);
                t += S;
        }
        assert_true(pacing_cap_reached(&p, &defaults, t));
        /* 60 s after the first of the ten, one may go again. */
        assert_true(pacing_cap_reached(&p, &defaults, 1000 * S + 60 * S - 1));
        assert_false(pacing_cap_reached(&p, &defaults, 1000 * S + 60 * S));
}

/* A fresh episode after the victim is gone and the rule cleared: at once. */
static void test_new_episode_not_held(void **state) {
        struct firing f = { .active = true, .since_ns = 10 * S };
        pacing_target_acted(&f, &defaults, 10 * S + 20 * MS, false);
        assert_true(pacing_target_held(&f, 10 * S + 500 * MS)); /* same episode: held */
        pacing_target_cleared(&f);
        assert_false(f.active);
        assert_false(pacing_target_held(&f, 10 * S + 300 * MS));
        assert_int_equal(f.last_acted_ns, 0);
}

/* The episode goes on (never seen below): post_kill_delay from the end of
 * the action, not its start. */
static void test_same_episode_held_from_end(void **state) {
        struct firing f = { .active = true, .since_ns = 10 * S, .last_acted_ns = 10 * S };
        pacing_target_acted(&f, &defaults, 12 * S, false); /* a 2 s wait for the exit */
        assert_true(pacing_target_held(&f, 12 * S + 999 * MS));
        assert_false(pacing_target_held(&f, 13 * S));
}

/* A victim not seen gone keeps the hold across a clear. */
static void test_victim_pending_keeps_hold(void **state) {
        struct firing f = { .active = true, .since_ns = 10 * S, .cap_logged = true };
        pacing_target_acted(&f, &defaults, 12 * S, true);
        pacing_target_cleared(&f);
        assert_false(f.active);
        assert_false(f.cap_logged);
        assert_true(pacing_target_held(&f, 12 * S + 300 * MS));
        assert_false(pacing_target_held(&f, 13 * S));
}

/* post_kill_delay = 0: never held. */
static void test_zero_delay(void **state) {
        const struct daemon_settings s = { .post_kill_delay_ns = 0, .max_kills_per_minute = 10 };
        struct firing f = { .active = true };
        pacing_target_acted(&f, &s, 5 * S, true);
        assert_false(pacing_target_held(&f, 5 * S));
}

/* Kills without a rule target (restart loops, zombie factories) wait for
 * post_kill_delay after the last kill anywhere. */
static void test_untargeted_limited(void **state) {
        struct pacing p = { 0 };
        assert_false(pacing_limited(&p, &defaults, 5 * S));
        pacing_record(&p, 5 * S);
        assert_true(pacing_limited(&p, &defaults, 5 * S + 999 * MS));
        assert_false(pacing_limited(&p, &defaults, 6 * S));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cap_any_minute),
                cmocka_unit_test(test_new_episode_not_held),
                cmocka_unit_test(test_same_episode_held_from_end),
                cmocka_unit_test(test_victim_pending_keeps_hold),
                cmocka_unit_test(test_zero_delay),
                cmocka_unit_test(test_untargeted_limited),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
