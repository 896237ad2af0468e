/* Value syntaxes of the config: sizes, percentages, durations, booleans. */
#include "testing.h"

#include <errno.h>

#include "units.h"
#include "util.h"

#define KiB UINT64_C(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)
#define TiB (GiB * 1024)

static void size_ok(const char *s, uint64_t want) {
        uint64_t v = 7;
        int r = parse_size(s, &v);
        if (r != 0 || v != want)
                fail_msg("parse_size(\"%s\") = %d, %llu; want %llu", s, r, (unsigned long long)v,
                         (unsigned long long)want);
}

static void size_bad(const char *s, int err) {
        uint64_t v = 7;
        int r = parse_size(s, &v);
        if (r != err || v != 7)
                fail_msg("parse_size(\"%s\") = %d (ret %llu); want %d, untouched", s, r, (unsigned long long)v, err);
}

static void test_size_valid(void **state) {
        size_ok("0", 0);
        size_ok("4096", 4096);
        size_ok("4096B", 4096);
        size_ok("4096b", 4096);
        size_ok("64k", 64 * KiB);
        size_ok("64K", 64 * KiB);
        size_ok("64KB", 64 * KiB);
        size_ok("64KiB", 64 * KiB);
        size_ok("64kib", 64 * KiB);
        size_ok("512M", 512 * MiB);
        size_ok("512 M", 512 * MiB);
        size_ok("1G", GiB);
        size_ok("1.5G", GiB + GiB / 2);
        size_ok("0.5K", 512);
        size_ok("2T", 2 * TiB);
        size_ok("0.1K", 102); /* 102.4 rounds to nearest */
        size_ok("16777215T", 16777215 * TiB);
        size_ok("18446744073709551615", UINT64_MAX);
}

static void test_size_invalid(void **state) {
        size_bad("", -EINVAL);
        size_bad("M", -EINVAL);
        size_bad("-1", -EINVAL);
        size_bad("-1G", -EINVAL);
        size_bad("+1G", -EINVAL);
        size_bad(" 1G", -EINVAL);
        size_bad("1G ", -EINVAL);
        size_bad("1GG", -EINVAL);
        size_bad("1X", -EINVAL);
        size_bad("1Gx", -EINVAL);
        size_bad("1.G", -EINVAL);
        size_bad(".5G", -EINVAL);
        size_bad("1.2.3G", -EINVAL);
        size_bad("1e3", -EINVAL);
        size_bad("0x10", -EINVAL);
        size_bad("1.5", -EINVAL); /* a fraction of a byte */
        size_bad("inf", -EINVAL);
        size_bad("nan", -EINVAL);
        size_bad("5%", -EINVAL);
        size_bad("1P", -EINVAL);
        size_bad("18446744073709551616", -ERANGE);
        size_bad("16777216T", -ERANGE);
        size_bad("99999999999999999999999999", -ERANGE);
        assert_int_equal(parse_size(NULL, &(uint64_t){ 0 }), -EINVAL);
}

static void test_size_or_pct(void **state) {
        struct size_or_pct t = { 0 };
        assert_int_equal(parse_size_or_pct("90%", &t), 0);
        assert_int_equal(t.kind, SIZE_PERCENT);
        assert_true(t.percent == 90.0);
        assert_int_equal(parse_size_or_pct("12.5 %", &t), 0);
        assert_true(t.percent == 12.5);
        assert_int_equal(parse_size_or_pct("0%", &t), 0);
        assert_true(t.percent == 0);
        assert_int_equal(parse_size_or_pct("100%", &t), 0);
        assert_true(t.percent == 100);
        assert_int_equal(parse_size_or_pct("256M", &t), 0);
        assert_int_equal(t.kind, SIZE_BYTES);
        assert_int_equal(t.bytes, 256 * MiB);

        struct size_or_pct keep = { .kind = SIZE_BYTES, .bytes = 42 };
        t = keep;
        assert_int_equal(parse_size_or_pct("100.1%", &t), -ERANGE);
        assert_int_equal(parse_size_or_pct("150%", &t), -ERANGE);
        assert_int_equal(parse_size_or_pct("%", &t), -EINVAL);
        assert_int_equal(parse_size_or_pct("-5%", &t), -EINVAL);
        assert_int_equal(parse_size_or_pct("5%%", &t), -EINVAL);
        assert_int_equal(parse_size_or_pct("nan%", &t), -EINVAL);
        assert_int_equal(parse_size_or_pct("abc", &t), -EINVAL);
        assert_int_equal(parse_size_or_pct("", &t), -EINVAL);
        assert_int_equal(t.kind, SIZE_BYTES);
        assert_int_equal(t.bytes, 42);
}

static void duration_ok(const char *s, uint64_t want) {
        uint64_t v = 7;
        int r = parse_duration(s, &v);
        if (r != 0 || v != want)
                fail_msg("parse_duration(\"%s\") = %d, %llu; want %llu", s, r, (unsigned long long)v,
                         (unsigned long long)want);
}

static void test_duration(void **state) {
        duration_ok("0", 0);
        duration_ok("2", 2 * NSEC_PER_SEC);
        duration_ok("100ms", 100 * NSEC_PER_MSEC);
        duration_ok("2s", 2 * NSEC_PER_SEC);
        duration_ok("1.5s", 1500 * NSEC_PER_MSEC);
        duration_ok("0.1s", 100 * NSEC_PER_MSEC);
        duration_ok("1m", 60 * NSEC_PER_SEC);
        duration_ok("1min", 60 * NSEC_PER_SEC);
        duration_ok("1.5m", 90 * NSEC_PER_SEC);
        duration_ok("1h", 3600 * NSEC_PER_SEC);
        duration_ok("500us", 500000);
        duration_ok("250ns", 250);
        duration_ok("10 s", 10 * NSEC_PER_SEC);

        const char *bad[] = { "", "s", "-1s", "1x", "1S", "1ms5", "1.s", "inf", "nan", "1e3", " 1s", "1s ", "100msec" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                uint64_t v = 7;
                if (parse_duration(bad[i], &v) != -EINVAL || v != 7)
                        fail_msg("parse_duration(\"%s\") accepted", bad[i]);
        }
        uint64_t v = 7;
        assert_int_equal(parse_duration("18446744073709551615s", &v), -ERANGE);
        assert_int_equal(parse_duration("6000000h", &v), -ERANGE);
        assert_int_equal(v, 7);
}

static void test_bool(void **state) {
        const char *yes[] = { "yes", "YES", "true", "on", "1", "y" };
        const char *no[] = { "no", "False", "off", "0", "n" };
        bool b;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                b = false;
                assert_int_equal(parse_bool(yes[i], &b), 0);
                assert_true(b);
        }
        for (size_t i = 0; i < ELEMENTSOF(no); i++) {
                b = true;
                assert_int_equal(parse_bool(no[i], &b), 0);
                assert_false(b);
        }
        b = true;
        assert_int_equal(parse_bool("", &b), -EINVAL);
        assert_int_equal(parse_bool("maybe", &b), -EINVAL);
        assert_int_equal(parse_bool("yes ", &b), -EINVAL);
        assert_int_equal(parse_bool("2", &b), -EINVAL);
        assert_true(b);
}

static void test_double(void **state) {
        double d = -7;
        assert_int_equal(parse_double("40", &d), 0);
        assert_true(d == 40);
        assert_int_equal(parse_double("12.5", &d), 0);
        assert_true(d == 12.5);
        assert_int_equal(parse_double("0", &d), 0);
        assert_true(d == 0);
        d = -7;
        const char *bad[] = { "",   "-1", "+1", "1e3", "inf", "nan",   "INF",  "0x1p3",
                              " 1", "1 ", "1.", ".5",  "1,5", "1.2.3", "12abc" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (parse_double(bad[i], &d) != -EINVAL)
                        fail_msg("parse_double(\"%s\") accepted", bad[i]);
        char huge[400];
        memset(huge, '9', sizeof(huge) - 1);
        huge[sizeof(huge) - 1] = '\0';
        assert_int_equal(parse_double(huge, &d), -ERANGE);
        assert_true(d == -7);
}

static void test_resolve(void **state) {
        struct size_or_pct unset = { 0 };
        struct size_or_pct bytes = { .kind = SIZE_BYTES, .bytes = 4096 };
        struct size_or_pct pct = { .kind = SIZE_PERCENT, .percent = 50 };
        struct size_or_pct full = { .kind = SIZE_PERCENT, .percent = 100 };
        assert_int_equal(size_or_pct_resolve(&bytes, 1000), 4096);
        assert_int_equal(size_or_pct_resolve(&bytes, BYTES_UNLIMITED), 4096);
        assert_int_equal(size_or_pct_resolve(&pct, 1000), 500);
        assert_int_equal(size_or_pct_resolve(&pct, 8 * GiB), 4 * GiB);
        assert_int_equal(size_or_pct_resolve(&full, UINT64_MAX - 1), UINT64_MAX - 1);
        assert_int_equal(size_or_pct_resolve(&pct, BYTES_UNLIMITED), BYTES_UNLIMITED);
        assert_int_equal(size_or_pct_resolve(&unset, 1000), BYTES_UNLIMITED);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_size_valid),  cmocka_unit_test(test_size_invalid),
                cmocka_unit_test(test_size_or_pct), cmocka_unit_test(test_duration),
                cmocka_unit_test(test_bool),        cmocka_unit_test(test_double),
                cmocka_unit_test(test_resolve),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
