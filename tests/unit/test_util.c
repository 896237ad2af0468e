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
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_path_join),    cmocka_unit_test(test_path_within),
                cmocka_unit_test(test_format_bytes), cmocka_unit_test(test_sanitize),
                cmocka_unit_test(test_json_string),  cmocka_unit_test(test_pread_all_small_buffer),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
