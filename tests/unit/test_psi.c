/* PSI parser and reader (/proc/pressure/memory, memory.pressure). */
#include "testing.h"
#include "../fixtures/sources/tree.h"

#include "sources/psi.h"
#include "util.h"

static const char sample[] =
        "some avg10=12.34 avg60=5.06 avg300=0.90 total=123456789\n"
        "full avg10=1.00 avg60=0.50 avg300=0.00 total=4242\n";

static void test_sample(void **state) {
        struct psi p;
        assert_int_equal(PARSE_X(parse_psi, sample, &p), 0);
        assert_float_equal(p.some.avg10, 12.34, 1e-9);
        assert_float_equal(p.some.avg60, 5.06, 1e-9);
        assert_float_equal(p.some.avg300, 0.90, 1e-9);
        assert_int_equal(p.some.total, 123456789);
        assert_true(p.has_full);
        assert_float_equal(p.full.avg10, 1.0, 1e-9);
        assert_int_equal(p.full.total, 4242);
}

static void test_idle_and_100(void **state) {
        struct psi p;
        /* this host, idle */
        assert_int_equal(PARSE_X(parse_psi,
                                 "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
                                 "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
                                 &p),
                         0);
        assert_float_equal(p.some.avg10, 0.0, 0);
        assert_int_equal(PARSE_X(parse_psi, "some avg10=100.00 avg60=99.9 avg300=7 total=18446744073709551615\n", &p),
                         0);
        assert_float_equal(p.some.avg10, 100.0, 1e-9);
        assert_float_equal(p.some.avg60, 99.9, 1e-9);
        assert_float_equal(p.some.avg300, 7.0, 1e-9);
        assert_true(p.some.total == UINT64_MAX);
}

static void test_some_only(void **state) {
        struct psi p;
        memset(&p, 0xff, sizeof(p));
        assert_int_equal(PARSE_X(parse_psi, "some avg10=1.00 avg60=2.00 avg300=3.00 total=4\n", &p), 0);
        assert_false(p.has_full);
        assert_float_equal(p.full.avg10, 0.0, 0);
}

static void test_field_order_and_unknown(void **state) {
        struct psi p;
        assert_int_equal(PARSE_X(parse_psi, "some total=9 avg300=3.00 avg60=2.00 avg10=1.00 new=5\n", &p), 0);
        assert_int_equal(p.some.total, 9);
        assert_float_equal(p.some.avg10, 1.0, 1e-9);
}

static void test_errors(void **state) {
        struct psi p = { .some.total = 77 };
        assert_int_equal(PARSE_X(parse_psi, "", &p), -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", &p), -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "some avg10=0.00 avg60=0.00 avg300=0.00\n", &p), -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "some avg10=x avg60=0.00 avg300=0.00 total=0\n", &p), -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "some avg10=1.2.3 avg60=0.00 avg300=0.00 total=0\n", &p), -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "some avg10=1. avg60=0.00 avg300=0.00 total=0\n", &p), -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "some avg10=-1.00 avg60=0.00 avg300=0.00 total=0\n", &p), -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "some avg10 avg60=0.00 avg300=0.00 total=0\n", &p), -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "some avg10=0.00 avg60=0.00 avg300=0.00 total=1x\n", &p), -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "somewhat avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", &p), -EBADMSG);
        /* a broken "full" line is garbage too, not silently ignored */
        assert_int_equal(PARSE_X(parse_psi, "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=zz\n", &p),
                         -EBADMSG);
        assert_int_equal(PARSE_X(parse_psi, "some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551616\n", &p),
                         -ERANGE);
        assert_int_equal(PARSE_X(parse_psi, "some avg10=99999999999999999999.00 avg60=0.00 avg300=0.00 total=0\n", &p),
                         -ERANGE);
        assert_int_equal(p.some.total, 77);
}

static void test_every_truncation(void **state) {
        struct psi full, p;
        assert_int_equal(PARSE_X(parse_psi, sample, &full), 0);
        for (size_t len = 0; len < strlen(sample); len++) {
                memset(&p, 0, sizeof(p));
                int r = PARSE_N(parse_psi, sample, len, &p);
                if (r < 0) {
                        assert_int_equal(r, -EBADMSG);
                        continue;
                }
                assert_int_equal(p.some.total, full.some.total);
                assert_false(p.has_full); /* the cut "full" line never counts */
        }
        assert_int_equal(PARSE_N(parse_psi, sample, strlen(sample) - 3, &p), 0);
        assert_int_equal(PARSE_N(parse_psi, sample, strlen("some avg10=12.34 avg60=5.06 avg300=0.90 total=1234"), &p),
                         -EBADMSG);
}

static void test_reader(void **state) {
        char *root = tree_new();
        struct psi p;
        assert_int_equal(read_psi(root, "/proc/pressure/memory", &p), -ENOENT);
        tree_write(root, "proc/pressure/memory", sample);
        assert_int_equal(read_psi(root, "/proc/pressure/memory", &p), 0);
        assert_int_equal(p.some.total, 123456789);
        tree_write(root, "cg/memory.pressure", "bogus\n");
        assert_int_equal(read_psi(root, "cg/memory.pressure", &p), -EBADMSG);
        tree_rm(root);
        free(root);
        if (access("/proc/pressure/memory", R_OK) == 0) {
                int r = read_psi("/", "/proc/pressure/memory", &p);
                /* psi=0 on the kernel command line: EOPNOTSUPP */
                assert_true(r == 0 || r == -EOPNOTSUPP);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sample),    cmocka_unit_test(test_idle_and_100),
                cmocka_unit_test(test_some_only), cmocka_unit_test(test_field_order_and_unknown),
                cmocka_unit_test(test_errors),    cmocka_unit_test(test_every_truncation),
                cmocka_unit_test(test_reader),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
