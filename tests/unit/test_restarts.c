/* Restart-loop bookkeeping on event sequences. */
#include "testing.h"

#include "policy/restarts.h"
#include "util.h"

#define S NSEC_PER_SEC

static struct restart_tracker t;

static void test_loop_is_counted(void **state) {
        memset(&t, 0, sizeof(t));
        uint64_t now = 100 * S;
        for (int i = 1; i <= 4; i++) {
                restarts_on_death(&t, 50, 7, "hog", now);
                now += S / 10;
                assert_int_equal(restarts_on_start(&t, 50, 7, "hog", 60 * S, now), i);
                now += S;
        }
        /* Outside the window the old restarts no longer count. */
        restarts_on_death(&t, 50, 7, "hog", now + 120 * S);
        assert_int_equal(restarts_on_start(&t, 50, 7, "hog", 60 * S, now + 121 * S), 1);
}

static void test_not_a_restart(void **state) {
        memset(&t, 0, sizeof(t));
        /* A new child without a death before it. */
        assert_int_equal(restarts_on_start(&t, 60, 1, "worker", 60 * S, 10 * S), 0);
        /* A death, then a different program. */
        restarts_on_death(&t, 60, 1, "worker", 10 * S);
        assert_int_equal(restarts_on_start(&t, 60, 1, "logrotate", 60 * S, 11 * S), 0);
        /* The same program, but too late. */
        assert_int_equal(restarts_on_start(&t, 60, 1, "worker", 60 * S, 200 * S), 0);
        /* Another parent with the same pid (reused): separate history. */
        restarts_on_death(&t, 60, 1, "worker", 300 * S);
        assert_int_equal(restarts_on_start(&t, 60, 2, "worker", 60 * S, 301 * S), 0);
        /* One death counts for one restart only. */
        assert_int_equal(restarts_on_start(&t, 60, 1, "worker", 60 * S, 301 * S), 1);
        assert_int_equal(restarts_on_start(&t, 60, 1, "worker", 60 * S, 302 * S), 0);
}

static void test_unnamed_report_keeps_the_name(void **state) {
        memset(&t, 0, sizeof(t));
        restarts_on_death(&t, 70, 1, "hog", 10 * S);                                  /* oomguard's own kill */
        restarts_on_death(&t, 70, 1, "", 10 * S + 1);                                 /* the exit event, child reaped */
        assert_int_equal(restarts_on_start(&t, 70, 1, "sh", 60 * S, 11 * S), 0);      /* the fork */
        assert_int_equal(restarts_on_start(&t, 70, 1, "hog", 60 * S, 11 * S + 1), 1); /* the exec */
}

static void test_table_recycles_oldest(void **state) {
        memset(&t, 0, sizeof(t));
        for (int i = 0; i < RESTART_PARENTS + 10; i++)
                restarts_on_death(&t, 1000 + i, 0, "x", (uint64_t)(i + 1) * S);
        assert_null(restarts_find(&t, 1000, 0)); /* oldest gone */
        assert_non_null(restarts_find(&t, 1000 + RESTART_PARENTS + 9, 0));
}

static void test_history_ring(void **state) {
        memset(&t, 0, sizeof(t));
        uint64_t now = S;
        unsigned n = 0;
        for (int i = 0; i < RESTART_HISTORY * 3; i++) {
                restarts_on_death(&t, 5, 0, "crashy", now);
                n = restarts_on_start(&t, 5, 0, "crashy", 3600 * S, now + 1);
                now += S;
        }
        assert_int_equal(n, RESTART_HISTORY); /* bounded by the ring */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_loop_is_counted),
                cmocka_unit_test(test_not_a_restart),
                cmocka_unit_test(test_unnamed_report_keeps_the_name),
                cmocka_unit_test(test_table_recycles_oldest),
                cmocka_unit_test(test_history_ring),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
