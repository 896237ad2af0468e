/* Small helpers: path joining, formatting, sanitizing, JSON strings. */
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>

#include "outputs/json.h"
#include "util.h"

static void test_path_join(void **state) {
        char buf[64];
        assert_int_equal(path_join(buf, sizeof(buf), "/", "/proc/meminfo"), 0);
        assert_string_equal(buf, "/proc/meminfo");
        assert_int_equal(path_join(buf, sizeof(buf), "/tmp/r", "/proc/meminfo"), 0);
        assert_string_equal(buf, "/tmp/r/proc/meminfo");
        assert_int_equal(path_join(buf, sizeof(buf), "/tmp/r", "rel"), 0);
        assert_string_equal(buf, "/tmp/r/rel");
        assert_int_equal(path_join(buf, 8, "/tmp/r", "/proc/meminfo"), -ENAMETOOLONG);
}

static void test_format_bytes(void **state) {
        char b[32];
        assert_string_equal(format_bytes(b, sizeof(b), 512), "512B");
        assert_string_equal(format_bytes(b, sizeof(b), 64 << 20), "64.0MiB");
        assert_string_equal(format_bytes(b, sizeof(b), UINT64_C(3) << 29), "1.5GiB");
        assert_string_equal(format_bytes(b, sizeof(b), BYTES_UNLIMITED), "max");
}

static void test_sanitize(void **state) {
        char b[16];
        sanitize_copy(b, sizeof(b), "a) R 1 (b\n\x1b[2J");
        assert_string_equal(b, "a) R 1 (b??[2J");
        sanitize_copy(b, 4, "abcdef");
        assert_string_equal(b, "abc");
}

static void test_json_string(void **state) {
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        json_print_string(f, "x\") R 1 (\\y\n\x01");
        fclose(f);
        assert_string_equal(out, "\"x\\\") R 1 (\\\\y\\u000a\\u0001\"");
        free(out);
}

/* Valid UTF-8 passes as is; every byte of an invalid sequence becomes
 * \u00XX, so that python's and jq's parsers accept the text. */
static void test_json_string_utf8(void **state) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x98", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x98\"" },
                { "a\xff"
                  "b",
                  "\"a\\u00ffb\"" },                                        /* never valid */
                { "\x80", "\"\\u0080\"" },                                  /* stray continuation */
                { "\xc3", "\"\\u00c3\"" },                                  /* cut at the end */
                { "\xc3(", "\"\\u00c3(\"" },                                /* cut by another character */
                { "\xc0\xaf", "\"\\u00c0\\u00af\"" },                       /* overlong '/' */
                { "\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"" },            /* overlong, 3 bytes */
                { "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"" },            /* a surrogate */
                { "\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"" }, /* above U+10FFFF */
                { "\xe2\x82", "\"\\u00e2\\u0082\"" },                       /* cut 3-byte sequence */
                { "\x7f", "\"\\u007f\"" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *out = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&out, &len);
                json_print_string(f, cases[i].in);
                fclose(f);
                assert_string_equal(out, cases[i].out);
                free(out);
                char buf[64];
                struct json_buf b;
                json_buf_init(&b, buf, sizeof(buf));
                json_buf_string(&b, cases[i].in);
                assert_false(b.overflow);
                assert_string_equal(buf, cases[i].out);
        }
}

/* A buffer never overflows: what does not fit sets overflow for good. */
static void test_json_buf_bounded(void **state) {
        char buf[8];
        struct json_buf b;
        json_buf_init(&b, buf, sizeof(buf));
        json_buf_raw(&b, "{");
        json_buf_printf(&b, "%d", 12345);
        assert_false(b.overflow);
        assert_string_equal(buf, "{12345");
        json_buf_string(&b, "xy");
        assert_true(b.overflow);
        assert_true(strlen(buf) < sizeof(buf));
        json_buf_raw(&b, "}");
        assert_true(b.overflow);
        json_buf_init(&b, buf, sizeof(buf));
        json_buf_printf(&b, "%s", "12345678");
        assert_true(b.overflow);
        assert_string_equal(buf, "");
        json_buf_init(&b, buf, sizeof(buf));
        json_buf_raw(&b, "1234567");
        assert_false(b.overflow);
        assert_int_equal(b.len, 7);
}

static void test_pread_all_small_buffer(void **state) {
        char buf[4];
        ssize_t n = read_file_at("/", "/proc/self/status", buf, sizeof(buf));
        assert_int_equal(n, -ENOBUFS);
        assert_int_equal(read_file_at("/", "/proc/does-not-exist", buf, sizeof(buf)), -ENOENT);
}

static void test_path_within(void **state) {
        assert_true(path_within("/a/b", "/a"));
        assert_true(path_within("/a/b", "/a/b"));
        assert_true(path_within("/a/b", "/"));
        assert_true(path_within("/a/b", "/a/"));
        assert_false(path_within("/ab", "/a"));
        assert_false(path_within("/a/b2", "/a/b"));
        assert_false(path_within("/a", "/a/b"));
        /* Another cgroup namespace's process: /proc/PID/cgroup says "/../x". */
        assert_false(path_within("/../x", "/"));
        assert_false(path_within("/../x.scope/y", "/"));
        assert_false(path_within("/a/../b", "/a"));
        assert_false(path_within("/a/./b", "/a"));
        assert_true(path_within("/a/..b", "/a"));
        assert_true(path_within("/a/b..", "/a"));
        assert_true(path_has_dot_component(".."));
        assert_false(path_has_dot_component("/a.b/c"));
}

/* A namespace root's path joined with a /proc view relative to it. */
static void test_path_resolve(void **state) {
        char out[64];
        assert_int_equal(path_resolve("/a/b", "/../c", out, sizeof(out)), 0);
        assert_string_equal(out, "/a/c");
        assert_int_equal(path_resolve("/a/b", "/", out, sizeof(out)), 0);
        assert_string_equal(out, "/a/b");
        assert_int_equal(path_resolve("/", "/", out, sizeof(out)), 0);
        assert_string_equal(out, "/");
        assert_int_equal(path_resolve("/a/b", "/../..", out, sizeof(out)), 0);
        assert_string_equal(out, "/");
        assert_int_equal(path_resolve("/a/b/", "/x//y/./z", out, sizeof(out)), 0);
        assert_string_equal(out, "/a/b/x/y/z");
        assert_int_equal(path_resolve("/a/b", "/../../x/..b", out, sizeof(out)), 0);
        assert_string_equal(out, "/x/..b");
        assert_int_equal(path_resolve("/a/b", "/../../..", out, sizeof(out)), -EXDEV);
        assert_int_equal(path_resolve("/", "/..", out, sizeof(out)), -EXDEV);
        assert_int_equal(path_resolve("/a/b", "/cdef", out, 9), -ENAMETOOLONG);
        assert_int_equal(path_resolve("/a/b", "/cdef", out, 10), 0);
        assert_string_equal(out, "/a/b/cdef");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_path_join),
                cmocka_unit_test(test_path_within),
                cmocka_unit_test(test_path_resolve),
                cmocka_unit_test(test_format_bytes),
                cmocka_unit_test(test_sanitize),
                cmocka_unit_test(test_json_string),
                cmocka_unit_test(test_json_string_utf8),
                cmocka_unit_test(test_json_buf_bounded),
                cmocka_unit_test(test_pread_all_small_buffer),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
