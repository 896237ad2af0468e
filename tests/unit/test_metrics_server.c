/* metrics_listen's process from the guard's side, without a server
 * (tests/t-metrics-httpd.sh runs the real one): off does nothing, a bad
 * file is refused, a missing program is retried no more than every 10 s. */
#include "testing.h"

#include <errno.h>
#include <stdio.h>

#include "outputs/metrics_server.h"
#include "util.h"

static void test_off(void **state) {
        struct metrics_server ms;
        metrics_server_init(&ms);
        assert_int_equal(metrics_server_start(&ms, "", "/run/m.prom", NULL), 0);
        assert_int_equal(ms.pid, 0);
        assert_int_equal(metrics_server_start(&ms, NULL, NULL, NULL), 0);
        assert_int_equal(metrics_server_ensure(&ms), 0);
        assert_int_equal(metrics_server_reload(&ms, "", "", ""), 0);
        assert_int_equal(ms.pid, 0);
        metrics_server_stop(&ms);
        metrics_server_stop(&ms); /* twice: still nothing */
}

static void test_bad_file(void **state) {
        struct metrics_server ms;
        metrics_server_init(&ms);
        assert_int_equal(metrics_server_start(&ms, "127.0.0.1:9101", "relative.prom", NULL), -EINVAL);
        assert_int_equal(metrics_server_start(&ms, "127.0.0.1:9101", NULL, NULL), -EINVAL);
        assert_int_equal(ms.pid, 0);
}

/* A unit test's executable has no oomguard-metrics-httpd beside it. */
static void test_missing_program(void **state) {
        char path[4096];
        if (metrics_server_find(path, sizeof(path)) == 0)
                skip(); /* installed in PKGLIBDIR on this machine */
        struct metrics_server ms;
        metrics_server_init(&ms);
        assert_int_equal(metrics_server_start(&ms, "127.0.0.1:9101", "/run/m.prom", "nobody"), -ENOENT);
        assert_int_equal(ms.pid, 0);
        assert_int_equal(metrics_server_ensure(&ms), -EIO); /* tried once more, at once */
        assert_true(ms.next_try_ns >= now_ns() + 9 * NSEC_PER_SEC);
        assert_int_equal(metrics_server_ensure(&ms), 0); /* then not before 10 s */
        assert_int_equal(ms.restarts, 1);
        metrics_server_stop(&ms);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_off),
                cmocka_unit_test(test_bad_file),
                cmocka_unit_test(test_missing_program),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
