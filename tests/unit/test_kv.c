/* parse_kv, parse_u64_at, parse_u64_or_max and the line helpers. */
#include "testing.h"
#include "../fixtures/sources/tree.h"

#include "sources/kv.h"
#include "util.h"

static void test_u64_at(void **state) {
        const char *s = "123abc", *p = s;
        uint64_t v = 7;
        assert_int_equal(parse_u64_at(&p, s + strlen(s), &v), 0);
        assert_int_equal(v, 123);
        assert_ptr_equal(p, s + 3);

        /* end is respected: only "12" of "12345" */
        s = "12345", p = s;
        assert_int_equal(parse_u64_at(&p, s + 2, &v), 0);
        assert_int_equal(v, 12);
        assert_ptr_equal(p, s + 2);
}

static void test_u64_at_errors(void **state) {
        const char *s = "abc", *p = s;
        uint64_t v = 7;
        assert_int_equal(parse_u64_at(&p, s + 3, &v), -EINVAL);
        assert_int_equal(parse_u64_at(&p, s, &v), -EINVAL); /* empty */
        s = "-1", p = s;
        assert_int_equal(parse_u64_at(&p, s + 2, &v), -EINVAL);
        s = "18446744073709551616", p = s;
        assert_int_equal(parse_u64_at(&p, s + strlen(s), &v), -ERANGE);
        assert_ptr_equal(p, s); /* untouched on failure */
        assert_int_equal(v, 7);
        s = "99999999999999999999999", p = s;
        assert_int_equal(parse_u64_at(&p, s + strlen(s), &v), -ERANGE);
        s = "18446744073709551615", p = s;
        assert_int_equal(parse_u64_at(&p, s + strlen(s), &v), 0);
        assert_true(v == UINT64_MAX);
}

static void test_u64_or_max(void **state) {
        uint64_t v = 0;
        assert_int_equal(PARSE_X(parse_u64_or_max, "max\n", &v), 0);
        assert_true(v == BYTES_UNLIMITED);
        assert_int_equal(PARSE_X(parse_u64_or_max, "268435456\n", &v), 0);
        assert_int_equal(v, 268435456);
        assert_int_equal(PARSE_X(parse_u64_or_max, "  42 \t\n", &v), 0);
        assert_int_equal(v, 42);
        assert_int_equal(PARSE_X(parse_u64_or_max, "0", &v), 0);
        assert_int_equal(v, 0);
        /* v1's "unlimited" parses as the number; memcg normalises it */
        assert_int_equal(PARSE_X(parse_u64_or_max, "9223372036854771712\n", &v), 0);
        assert_true(v == UINT64_C(9223372036854771712));
        /* len shorter than the literal */
        assert_int_equal(PARSE_N(parse_u64_or_max, "12345", 3, &v), 0);
        assert_int_equal(v, 123);
}

static void test_u64_or_max_errors(void **state) {
        uint64_t v = 5;
        assert_int_equal(PARSE_X(parse_u64_or_max, "", &v), -EINVAL);
        assert_int_equal(PARSE_X(parse_u64_or_max, "\n", &v), -EINVAL);
        assert_int_equal(PARSE_X(parse_u64_or_max, "maximum", &v), -EINVAL);
        assert_int_equal(PARSE_X(parse_u64_or_max, "max 1", &v), -EINVAL);
        assert_int_equal(PARSE_X(parse_u64_or_max, "4x", &v), -EINVAL);
        assert_int_equal(PARSE_X(parse_u64_or_max, "-1", &v), -EINVAL);
        assert_int_equal(PARSE_X(parse_u64_or_max, "1 2", &v), -EINVAL);
        assert_int_equal(PARSE_X(parse_u64_or_max, "0x10", &v), -EINVAL);
        assert_int_equal(PARSE_N(parse_u64_or_max, "max", 2, &v), -EINVAL);
        assert_int_equal(PARSE_X(parse_u64_or_max, "18446744073709551616", &v), -ERANGE);
        assert_int_equal(v, 5);
}

static void test_kv_basic(void **state) {
        uint64_t total = 0, avail = 0, huge = 9, unused = 77;
        bool seen_total = false, seen_unused = false;
        const struct kv_field f[] = {
                { "MemTotal", &total, &seen_total },
                { "MemAvailable", &avail, NULL },
                { "HugePages_Total", &huge, NULL },
                { "NotThere", &unused, &seen_unused },
        };
        const char *text =
                "MemTotal:       24684092 kB\n"
                "MemFree:        24536552 kB\n"
                "MemAvailable:   24449252 kB\n"
                "Active(anon):       1520 kB\n"
                "HugePages_Total:       0\n";
        assert_int_equal(PARSE_X(parse_kv, text, f, ELEMENTSOF(f)), 3);
        assert_true(total == UINT64_C(24684092) * 1024);
        assert_true(avail == UINT64_C(24449252) * 1024);
        assert_int_equal(huge, 0);
        assert_true(seen_total);
        assert_false(seen_unused);
        assert_int_equal(unused, 77); /* left untouched */
}

static void test_kv_plain_values(void **state) {
        uint64_t fault = 0, oom = 0;
        const struct kv_field f[] = { { "pgfault", &fault, NULL }, { "oom_kill", &oom, NULL } };
        assert_int_equal(PARSE_X(parse_kv, "pgfault 818499\noom_kill_disable 0\noom_kill 4\n", f, ELEMENTSOF(f)), 2);
        assert_int_equal(fault, 818499);
        assert_int_equal(oom, 4); /* "oom_kill_disable" is not "oom_kill" */
}

static void test_kv_truncated(void **state) {
        uint64_t a = 0, b = 0;
        const struct kv_field f[] = { { "a", &a, NULL }, { "b", &b, NULL } };
        /* the last line has no '\n': it may be cut, so it does not count */
        assert_int_equal(PARSE_X(parse_kv, "a 1\nb 12345", f, 2), 1);
        assert_int_equal(a, 1);
        assert_int_equal(b, 0);
        const char *full = "a 111 kB\nb 222\n";
        for (size_t len = 0; len <= strlen(full); len++) {
                a = b = 0;
                int r = PARSE_N(parse_kv, full, len, f, 2);
                assert_true(r >= 0 && r <= 2);
                assert_true(a == 0 || a == 111 * 1024);
                assert_true(b == 0 || b == 222);
        }
}

static void test_kv_garbage(void **state) {
        uint64_t a = 3;
        bool seen = false;
        const struct kv_field f[] = { { "a", &a, &seen } };
        assert_int_equal(PARSE_X(parse_kv, "", f, 1), 0);
        assert_int_equal(PARSE_X(parse_kv, "\n\n\n", f, 1), 0);
        assert_int_equal(PARSE_X(parse_kv, "a\n", f, 1), 0);
        assert_int_equal(PARSE_X(parse_kv, "a x\n", f, 1), 0);
        assert_int_equal(PARSE_X(parse_kv, "a -1\n", f, 1), 0);
        assert_int_equal(PARSE_X(parse_kv, "a 12 MB\n", f, 1), 0);
        assert_int_equal(PARSE_X(parse_kv, "a 12 kB x\n", f, 1), 0);
        assert_int_equal(PARSE_X(parse_kv, "a 1 2\n", f, 1), 0);
        assert_int_equal(PARSE_X(parse_kv, "ab 1\n", f, 1), 0);
        assert_int_equal(PARSE_X(parse_kv, "\x01\xff\x7f garbage\0\n", f, 1), 0);
        assert_false(seen);
        assert_int_equal(a, 3);
        /* a bad line does not hide a good one after it */
        assert_int_equal(PARSE_X(parse_kv, "zz zz zz\na 9\n", f, 1), 1);
        assert_int_equal(a, 9);
        assert_true(seen);
}

static void test_kv_embedded_nul(void **state) {
        uint64_t a = 0, b = 0;
        const struct kv_field f[] = { { "a", &a, NULL }, { "b", &b, NULL } };
        static const char text[] = "a 1\n\0\0\nb 2\n";
        assert_int_equal(PARSE_N(parse_kv, text, sizeof(text) - 1, f, 2), 2);
        assert_int_equal(b, 2);
}

static void test_kv_overflow(void **state) {
        uint64_t a = 0, other = 0;
        const struct kv_field f[] = { { "a", &a, NULL }, { "other", &other, NULL } };
        assert_int_equal(PARSE_X(parse_kv, "a 18446744073709551616\n", f, 2), -ERANGE);
        /* fits as a number, not once scaled from kB */
        assert_int_equal(PARSE_X(parse_kv, "a 18014398509481984 kB\n", f, 2), -ERANGE);
        assert_int_equal(PARSE_X(parse_kv, "a 18014398509481983 kB\n", f, 2), 1);
        assert_true(a == UINT64_C(18014398509481983) * 1024);
        /* an overflowing value of a key nobody asked for is just skipped */
        assert_int_equal(PARSE_X(parse_kv, "junk 99999999999999999999999\nother 1\n", f, 2), 1);
        assert_int_equal(other, 1);
}

static void test_kv_duplicate_counts_once(void **state) {
        uint64_t a = 0;
        const struct kv_field f[] = { { "a", &a, NULL } };
        assert_int_equal(PARSE_X(parse_kv, "a 1\na 2\n", f, 1), 1);
        assert_int_equal(a, 2);
}

static void test_next_line_and_tokens(void **state) {
        const char *s = "one two\n\nthree", *p = s, *line, *tok;
        size_t n;
        assert_true(kv_next_line(&p, s + strlen(s), &line, &n));
        assert_int_equal(n, 7);
        const char *q = line;
        assert_int_equal(kv_token(&q, line + n, &tok), 3);
        assert_true(kv_token_eq(tok, 3, "one"));
        assert_false(kv_token_eq(tok, 3, "on"));
        assert_int_equal(kv_token(&q, line + n, &tok), 3);
        assert_true(kv_token_eq(tok, 3, "two"));
        assert_int_equal(kv_token(&q, line + n, &tok), 0);
        assert_true(kv_next_line(&p, s + strlen(s), &line, &n));
        assert_int_equal(n, 0);
        assert_false(kv_next_line(&p, s + strlen(s), &line, &n)); /* "three": unterminated */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_u64_at),
                cmocka_unit_test(test_u64_at_errors),
                cmocka_unit_test(test_u64_or_max),
                cmocka_unit_test(test_u64_or_max_errors),
                cmocka_unit_test(test_kv_basic),
                cmocka_unit_test(test_kv_plain_values),
                cmocka_unit_test(test_kv_truncated),
                cmocka_unit_test(test_kv_garbage),
                cmocka_unit_test(test_kv_embedded_nul),
                cmocka_unit_test(test_kv_overflow),
                cmocka_unit_test(test_kv_duplicate_counts_once),
                cmocka_unit_test(test_next_line_and_tokens),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
