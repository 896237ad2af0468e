/* /proc/vmstat parser and reader. */
#include "testing.h"
#include "../fixtures/sources/tree.h"

#include "sources/vmstat.h"
#include "util.h"

/* Trimmed from this host's /proc/vmstat (kernel 6.18), numbers edited. */
static const char sample[] =
        "nr_free_pages 936487\n"
        "nr_zone_inactive_anon 1037\n"
        "numa_hit 1325318\n"
        "pgpgin 701741\n"
        "pswpin 11\n"
        "pswpout 22\n"
        "pgfault 818499\n"
        "pgmajfault 1368\n"
        "pgscan_kswapd 1000\n"
        "pgscan_direct 200\n"
        "pgscan_khugepaged 30\n"
        "pgscan_proactive 0\n"
        "pgscan_direct_throttle 0\n"
        "pgscan_anon 0\n"
        "pgscan_file 0\n"
        "oom_kill 3\n"
        "thp_fault_alloc 0\n";

static void test_sample(void **state) {
        struct vmstat v;
        assert_int_equal(PARSE_X(parse_vmstat, sample, &v), 0);
        assert_int_equal(v.pgscan_kswapd, 1000);
        assert_int_equal(v.pgscan_direct, 200);
        assert_int_equal(v.pgscan_khugepaged, 30);
        assert_int_equal(vmstat_pgscan(&v), 1230);
        assert_int_equal(v.pgmajfault, 1368);
        assert_int_equal(v.oom_kill, 3);
        assert_int_equal(v.pswpin, 11);
        assert_int_equal(v.pswpout, 22);
}

static void test_old_kernel(void **state) {
        /* before 4.13 there is no oom_kill; it reads as 0 */
        struct vmstat v = { .oom_kill = 99 };
        assert_int_equal(PARSE_X(parse_vmstat, "pgmajfault 5\npgscan_kswapd 7\n", &v), 0);
        assert_int_equal(v.oom_kill, 0);
        assert_int_equal(v.pgscan_kswapd, 7);
}

static void test_errors(void **state) {
        struct vmstat v = { .oom_kill = 99 };
        assert_int_equal(PARSE_X(parse_vmstat, "", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_vmstat, "nr_free_pages 1\nfoo 2\n", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_vmstat, "\xff\xfe\n\n  \n", &v), -EBADMSG);
        assert_int_equal(PARSE_X(parse_vmstat, "oom_kill 3", &v), -EBADMSG); /* cut: no '\n' */
        assert_int_equal(PARSE_X(parse_vmstat, "oom_kill 184467440737095516150\n", &v), -ERANGE);
        assert_int_equal(v.oom_kill, 99);
}

static void test_every_truncation(void **state) {
        struct vmstat full, v;
        assert_int_equal(PARSE_X(parse_vmstat, sample, &full), 0);
        for (size_t len = 0; len < strlen(sample); len++) {
                memset(&v, 0, sizeof(v));
                int r = PARSE_N(parse_vmstat, sample, len, &v);
                assert_true(r == 0 || r == -EBADMSG);
                assert_true(v.oom_kill == 0 || v.oom_kill == full.oom_kill);
                assert_true(v.pgmajfault == 0 || v.pgmajfault == full.pgmajfault);
                assert_true(v.pgscan_kswapd == 0 || v.pgscan_kswapd == full.pgscan_kswapd);
        }
}

static void test_reader(void **state) {
        char *root = tree_new();
        struct vmstat v;
        assert_int_equal(read_vmstat(root, &v), -ENOENT);
        tree_write(root, "proc/vmstat", sample);
        assert_int_equal(read_vmstat(root, &v), 0);
        assert_int_equal(v.oom_kill, 3);
        tree_rm(root);
        free(root);
        if (access(SOURCES_FIXTURES "/root/proc/vmstat", R_OK) == 0)
                assert_int_equal(read_vmstat(SOURCES_FIXTURES "/root", &v), 0);
        if (access("/proc/vmstat", R_OK) == 0)
                assert_int_equal(read_vmstat("/", &v), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sample), cmocka_unit_test(test_old_kernel),
                cmocka_unit_test(test_errors), cmocka_unit_test(test_every_truncation),
                cmocka_unit_test(test_reader),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
