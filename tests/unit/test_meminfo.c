/* /proc/meminfo parser and reader. */
#include "testing.h"
#include "../fixtures/sources/tree.h"

#include "sources/meminfo.h"
#include "util.h"

#define KB(x) (UINT64_C(x) * 1024)

/* This host's /proc/meminfo (kernel 6.18). */
static const char sample[] =
        "MemTotal:       24684092 kB\n"
        "MemFree:        24536552 kB\n"
        "MemAvailable:   24449252 kB\n"
        "Buffers:             848 kB\n"
        "Cached:            25032 kB\n"
        "SwapCached:            0 kB\n"
        "Active:            11992 kB\n"
        "Inactive:          10216 kB\n"
        "Active(anon):       1520 kB\n"
        "Inactive(anon):     3664 kB\n"
        "Active(file):      10472 kB\n"
        "Inactive(file):     6552 kB\n"
        "Unevictable:       12196 kB\n"
        "Mlocked:           11120 kB\n"
        "SwapTotal:       2097148 kB\n"
        "SwapFree:        2000000 kB\n"
        "Zswap:                 0 kB\n"
        "Dirty:                72 kB\n"
        "AnonPages:          8616 kB\n"
        "Mapped:            10548 kB\n"
        "Shmem:              8856 kB\n"
        "KReclaimable:      49264 kB\n"
        "VmallocTotal:   34359738367 kB\n"
        "HugePages_Total:       0\n"
        "HugePages_Free:        0\n"
        "Hugepagesize:       2048 kB\n"
        "DirectMap1G:    25165824 kB\n";

static void test_sample(void **state) {
        struct meminfo m;
        assert_int_equal(PARSE_X(parse_meminfo, sample, &m), 0);
        assert_true(m.mem_total == KB(24684092));
        assert_true(m.mem_free == KB(24536552));
        assert_true(m.mem_available == KB(24449252));
        assert_true(m.buffers == KB(848));
        assert_true(m.cached == KB(25032));
        assert_true(m.swap_total == KB(2097148));
        assert_true(m.swap_free == KB(2000000));
        assert_true(m.active_file == KB(10472));
        assert_true(m.inactive_file == KB(6552));
        assert_true(m.anon_pages == KB(8616));
        assert_true(m.shmem == KB(8856));
        assert_true(m.mapped == KB(10548));
}

static void test_minimal(void **state) {
        struct meminfo m;
        assert_int_equal(PARSE_X(parse_meminfo, "MemAvailable: 5 kB\nMemTotal: 10 kB\n", &m), 0);
        assert_true(m.mem_total == KB(10) && m.mem_available == KB(5));
        assert_int_equal(m.swap_total, 0); /* optional fields default to 0 */
}

static void test_missing_required(void **state) {
        struct meminfo m = { .mem_total = 42 };
        /* kernels < 3.14: no MemAvailable */
        assert_int_equal(PARSE_X(parse_meminfo, "MemTotal: 10 kB\nMemFree: 5 kB\nCached: 1 kB\n", &m), -EBADMSG);
        assert_int_equal(PARSE_X(parse_meminfo, "MemAvailable: 10 kB\n", &m), -EBADMSG);
        assert_int_equal(PARSE_X(parse_meminfo, "", &m), -EBADMSG);
        assert_int_equal(PARSE_X(parse_meminfo, "garbage\n\x01\x02\n:::\n", &m), -EBADMSG);
        assert_int_equal(PARSE_X(parse_meminfo, "MemTotal: x kB\nMemAvailable: 1 kB\n", &m), -EBADMSG);
        assert_int_equal(m.mem_total, 42); /* untouched on failure */
}

static void test_overflow(void **state) {
        struct meminfo m = { .mem_total = 42 };
        assert_int_equal(PARSE_X(parse_meminfo, "MemTotal: 99999999999999999999 kB\nMemAvailable: 1 kB\n", &m),
                         -ERANGE);
        assert_int_equal(PARSE_X(parse_meminfo, "MemTotal: 18014398509481984 kB\nMemAvailable: 1 kB\n", &m), -ERANGE);
        assert_int_equal(m.mem_total, 42);
}

/* Every prefix: no read past len (ASan), and a success never carries a
 * value cut short. */
static void test_every_truncation(void **state) {
        struct meminfo full, m;
        assert_int_equal(PARSE_X(parse_meminfo, sample, &full), 0);
        for (size_t len = 0; len < strlen(sample); len++) {
                memset(&m, 0, sizeof(m));
                int r = PARSE_N(parse_meminfo, sample, len, &m);
                if (r == 0) {
                        assert_true(m.mem_total == full.mem_total);
                        assert_true(m.mem_available == full.mem_available);
                        assert_true(m.cached == 0 || m.cached == full.cached);
                        assert_true(m.shmem == 0 || m.shmem == full.shmem);
                } else
                        assert_int_equal(r, -EBADMSG);
        }
        /* cut in the middle of MemAvailable's number */
        const char *cut = strstr(sample, "24449252") + 4;
        assert_int_equal(PARSE_N(parse_meminfo, sample, (size_t)(cut - sample), &m), -EBADMSG);
}

static void test_reader(void **state) {
        char *root = tree_new();
        struct meminfo m;
        assert_int_equal(read_meminfo(root, &m), -ENOENT);
        tree_write(root, "proc/meminfo", sample);
        assert_int_equal(read_meminfo(root, &m), 0);
        assert_true(m.mem_available == KB(24449252));
        tree_write(root, "proc/meminfo", "MemTotal: 1 kB\n");
        assert_int_equal(read_meminfo(root, &m), -EBADMSG);
        tree_rm(root);
        free(root);
}

static void test_committed_fixture_and_live(void **state) {
        struct meminfo m;
        if (access(SOURCES_FIXTURES "/root/proc/meminfo", R_OK) == 0) {
                assert_int_equal(read_meminfo(SOURCES_FIXTURES "/root", &m), 0);
                assert_true(m.mem_total > 0);
        }
        if (access("/proc/meminfo", R_OK) == 0) {
                assert_int_equal(read_meminfo("/", &m), 0);
                assert_true(m.mem_total >= m.mem_available);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sample),
                cmocka_unit_test(test_minimal),
                cmocka_unit_test(test_missing_required),
                cmocka_unit_test(test_overflow),
                cmocka_unit_test(test_every_truncation),
                cmocka_unit_test(test_reader),
                cmocka_unit_test(test_committed_fixture_and_live),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
