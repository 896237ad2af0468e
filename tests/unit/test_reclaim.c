/* Reclaim before kill: the cache-heavy predicate and the plan from
 * memory.stat numbers (policy/reclaim_plan.h), memory.stat's dirty and
 * writeback, the restore file's line for a v1 limit step, and the key. */
#include "testing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "actions/restore.h"
#include "policy/config.h"
#include "policy/reclaim_plan.h"
#include "util.h"

#define PAGE UINT64_C(4096)
#define MiB (UINT64_C(1) << 20)

static struct size_or_pct pct(double p) { return (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = p }; }
static struct size_or_pct bytes(uint64_t b) { return (struct size_or_pct){ .kind = SIZE_BYTES, .bytes = b }; }

/* A 256 MiB cgroup at 240 MiB: 200 MiB of it active page cache. */
static struct memcg_stats cache_cgroup(void) {
        return (struct memcg_stats){
                .version = CGROUP_V1,
                .usage = 240 * MiB,
                .limit = 256 * MiB,
                .stat = { .anon = 36 * MiB, .file = 200 * MiB, .active_file = 190 * MiB, .inactive_file = 10 * MiB }
        };
}

static void test_reclaimable(void **state) {
        struct memcg_stat st = {
                .file = 200 * MiB, .shmem = 20 * MiB, .mapped = 30 * MiB, .dirty = 5 * MiB, .writeback = 5 * MiB
        };
        assert_int_equal(reclaim_reclaimable(&st), 140 * MiB);
        st.shmem = 300 * MiB; /* more than file (counters read at different moments) */
        assert_int_equal(reclaim_reclaimable(&st), 0);
}

static void test_cache_heavy(void **state) {
        struct memcg_stats c = cache_cgroup();
        assert_true(reclaim_cache_heavy(&c)); /* 200 of 240 */
        c.stat.mapped = 100 * MiB;            /* 100 of 240: its processes map half the cache */
        assert_false(reclaim_cache_heavy(&c));
        c.stat.mapped = 80 * MiB; /* 120 of 240: exactly half */
        assert_true(reclaim_cache_heavy(&c));
        struct memcg_stats hog = { .usage = 250 * MiB,
                                   .limit = 256 * MiB,
                                   .stat = { .anon = 248 * MiB, .file = 2 * MiB } };
        assert_false(reclaim_cache_heavy(&hog));
        struct memcg_stats tmpfs = { .usage = 200 * MiB, .stat = { .file = 190 * MiB, .shmem = 190 * MiB } };
        assert_false(reclaim_cache_heavy(&tmpfs)); /* tmpfs is file but not droppable */
        struct memcg_stats empty = { 0 };
        assert_false(reclaim_cache_heavy(&empty));
}

static void test_plan_usage_pct(void **state) {
        struct memcg_stats c = cache_cgroup();
        struct thresholds th = { .usage_above = pct(90) };
        struct reclaim_plan p;
        reclaim_plan_make(&th, &c, PAGE, &p);
        assert_int_equal(p.reclaimable, 200 * MiB);
        assert_int_equal(p.floor, 40 * MiB);
        /* 90% of 256 MiB = 230.4 MiB, less 5% of the limit (12.8 MiB). */
        uint64_t level = (uint64_t)(0.9 * 256.0 * (double)MiB);
        assert_int_equal(p.target, level - 256 * MiB / 100 * 5);
        assert_int_equal(p.amount, 240 * MiB - p.target);
        assert_int_equal(p.v1_limit, p.target - p.target % PAGE); /* the target is above the floor */
        assert_true(p.v1_limit < c.limit);
}

/* The floor wins: what reclaim cannot take, plus the margin. */
static void test_plan_floor(void **state) {
        struct memcg_stats c = cache_cgroup();
        c.stat.anon = 200 * MiB;
        c.stat.file = 40 * MiB;
        struct thresholds th = { .usage_above = pct(50) };
        struct reclaim_plan p;
        reclaim_plan_make(&th, &c, PAGE, &p);
        assert_int_equal(p.floor, 200 * MiB);
        assert_int_equal(p.amount, 40 * MiB); /* no more than reclaimable */
        uint64_t low = 200 * MiB + 256 * MiB / 100 * 5;
        assert_int_equal(p.v1_limit, low - low % PAGE);
        assert_true(p.v1_limit >= p.floor);
}

static void test_plan_headroom_and_bytes(void **state) {
        struct memcg_stats c = cache_cgroup();
        struct thresholds th = { .headroom_below = bytes(32 * MiB) };
        struct reclaim_plan p;
        reclaim_plan_make(&th, &c, PAGE, &p);
        uint64_t m = 256 * MiB / 100 * 5;
        assert_int_equal(p.target, 224 * MiB - m);
        th.usage_above = pct(95); /* the lower of the two levels */
        reclaim_plan_make(&th, &c, PAGE, &p);
        assert_int_equal(p.target, 224 * MiB - m);
        struct thresholds tb = { .usage_above = bytes(200 * MiB) };
        reclaim_plan_make(&tb, &c, PAGE, &p);
        assert_int_equal(p.target, 200 * MiB - 200 * MiB / 100 * 5);
        struct thresholds none = { .psi_some_avg10_above = 30 }; /* no level: a tenth */
        reclaim_plan_make(&none, &c, PAGE, &p);
        assert_int_equal(p.target, 240 * MiB - 24 * MiB);
}

static void test_plan_nothing(void **state) {
        struct memcg_stats c = cache_cgroup();
        c.usage = 100 * MiB; /* under the level already */
        struct thresholds th = { .usage_above = pct(90) };
        struct reclaim_plan p;
        reclaim_plan_make(&th, &c, PAGE, &p);
        assert_int_equal(p.amount, 0);
        assert_int_equal(p.v1_limit, 0);
        struct memcg_stats hog = { .usage = 250 * MiB, .limit = 256 * MiB, .stat = { .anon = 250 * MiB } };
        reclaim_plan_make(&th, &hog, PAGE, &p);
        assert_int_equal(p.amount, 0); /* nothing reclaimable: no step */
        assert_int_equal(p.v1_limit, 0);
}

static void test_stat_dirty(void **state) {
        static const char v1[] =
                "cache 100\nrss 5\nmapped_file 3\ndirty 7\nwriteback 1\n"
                "total_cache 200\ntotal_rss 10\ntotal_dirty 17\ntotal_writeback 2\n";
        struct memcg_stat st;
        assert_int_equal(parse_memcg_v1_stat(v1, strlen(v1), &st), 0);
        assert_int_equal(st.dirty, 17);
        assert_int_equal(st.writeback, 2);
        static const char v2[] = "anon 5\nfile 100\nfile_mapped 3\nfile_dirty 9\nfile_writeback 4\n";
        assert_int_equal(parse_memcg_v2_stat(v2, strlen(v2), &st), 0);
        assert_int_equal(st.dirty, 9);
        assert_int_equal(st.writeback, 4);
}

/* The step's entry: the original limit, ours, the limit file. */
static void test_restore_limit_line(void **state) {
        char buf[RESTORE_LINE_MAX], line[RESTORE_LINE_MAX];
        struct restore_entry e = { .key = RESTORE_MEMORY_LIMIT,
                                   .original = "268435456",
                                   .ours = "228589568",
                                   .path = "/sys/fs/cgroup/memory/t/memory.limit_in_bytes" };
        int n = restore_format_line(&e, buf, sizeof(buf));
        assert_string_equal(
                buf, "memory.limit_in_bytes 268435456 228589568 /sys/fs/cgroup/memory/t/memory.limit_in_bytes\n");
        memcpy(line, buf, (size_t)n - 1);
        line[n - 1] = '\0';
        struct restore_entry got;
        assert_int_equal(restore_parse_line(line, &got), 0);
        assert_int_equal(got.key, RESTORE_MEMORY_LIMIT);
        assert_string_equal(got.original, "268435456");
        assert_string_equal(got.ours, "228589568");
        /* v1's "unlimited" is 19 digits: it goes back as it was. */
        snprintf(e.original, sizeof(e.original), "9223372036854771712");
        assert_true(restore_format_line(&e, buf, sizeof(buf)) > 0);
        assert_true(restore_holds(RESTORE_MEMORY_LIMIT, "228589568\n", 10, "228589568"));
        assert_false(restore_holds(RESTORE_MEMORY_LIMIT, "268435456\n", 10, "228589568")); /* put back already */
        assert_string_equal(restore_key_to_string(RESTORE_MEMORY_LIMIT), "memory.limit_in_bytes");
}

/* Replayed like the others: the stepped limit goes back. */
static void test_restore_limit_replay(void **state) {
        char dir[] = "/tmp/test_reclaim.XXXXXX", file[4096], path[4096], buf[64];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("228589568\n", f);
        fclose(f);
        struct restore_entry e = {
                .key = RESTORE_MEMORY_LIMIT, .original = "268435456", .ours = "228589568", .path = path
        };
        snprintf(file, sizeof(file), "%s/restore", dir);
        assert_int_equal(restore_file_append(file, &e, 1), 0);
        assert_int_equal(restore_file_replay(file, NULL, NULL), 1);
        assert_true(read_file_at("/", path, buf, sizeof(buf)) > 0);
        assert_memory_equal(buf, "268435456", 9);
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

static void test_config_key(void **state) {
        struct policy p;
        struct config_errors e = { 0 };
        static const char text[] =
                "[cgroup:a]\npath = /a\nusage_above = 90%\nreclaim_first = yes\n"
                "[cgroup:b]\npath = /b\nusage_above = 90%\n";
        FILE *f = fmemopen((void *)text, strlen(text), "r");
        assert_non_null(f);
        assert_int_equal(config_load_stream(f, "t.conf", &p, &e), 0);
        fclose(f);
        assert_true(p.cgroups[0].reclaim_first);
        assert_false(p.cgroups[1].reclaim_first); /* off by default */
        policy_free(&p);
        config_errors_free(&e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_reclaimable),
                cmocka_unit_test(test_cache_heavy),
                cmocka_unit_test(test_plan_usage_pct),
                cmocka_unit_test(test_plan_floor),
                cmocka_unit_test(test_plan_headroom_and_bytes),
                cmocka_unit_test(test_plan_nothing),
                cmocka_unit_test(test_stat_dirty),
                cmocka_unit_test(test_restore_limit_line),
                cmocka_unit_test(test_restore_limit_replay),
                cmocka_unit_test(test_config_key),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
