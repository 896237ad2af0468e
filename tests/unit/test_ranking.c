/* Victim rankings on a fixture cgroup of 600 processes: the ranking's
 * answer is the full scan's, newcomers are read, and growth that no
 * candidate explains sends the choice back to the full scan. */
#include "testing.h"

#include <stdio.h>

#include "../fixtures/sources/tree.h"
#include "actions/ranking.h"
#include "util.h"

#define FIRST 100
#define COUNT 600
#define MIB (UINT64_C(1) << 20)

static char *root;
static char dir[512];
static struct ranking *rk;
static struct victim_policy vp;

static void proc(pid_t pid, unsigned long rss_kb) {
        char rel[64], text[512];
        snprintf(rel, sizeof(rel), "/proc/%d/stat", (int)pid);
        snprintf(text, sizeof(text), "%d (p%d) S 1 %d %d 0 -1 0 10 0 0 0 5 3 0 0 20 0 1 0 %d 104857600 %lu 0\n",
                 (int)pid, (int)pid, (int)pid, (int)pid, 1000 + (int)pid, rss_kb / 4);
        tree_write(root, rel, text);
        snprintf(rel, sizeof(rel), "/proc/%d/status", (int)pid);
        snprintf(text, sizeof(text), "Name:\tp%d\nUid:\t0\t0\t0\t0\nVmRSS:\t%lu kB\nVmSwap:\t0 kB\nVmPTE:\t0 kB\n",
                 (int)pid, rss_kb);
        tree_write(root, rel, text);
        snprintf(rel, sizeof(rel), "/proc/%d/oom_score_adj", (int)pid);
        tree_write(root, rel, "0\n");
}

/* pid FIRST + i holds (i + 1) MiB. */
static void write_procs(int count, pid_t extra) {
        static char list[16 * (COUNT + 2)];
        size_t n = 0;
        for (int i = 0; i < count; i++) {
                proc(FIRST + i, (unsigned long)(i + 1) * 1024);
                n += (size_t)snprintf(list + n, sizeof(list) - n, "%d\n", FIRST + i);
        }
        if (extra)
                snprintf(list + n, sizeof(list) - n, "%d\n", (int)extra);
        tree_write(root, "/cg/cgroup.procs", list);
}

static int setup(void **state) {
        root = tree_new();
        write_procs(COUNT, 0);
        tree_path(dir, sizeof(dir), root, "/cg");
        vp = (struct victim_policy){ .root = root, .self = 99999, .scope_bytes = UINT64_C(1) << 30 };
        rk = calloc(1, sizeof(*rk));
        assert_non_null(rk);
        snprintf(rk->scope, sizeof(rk->scope), "%s", dir);
        rk->unit_bytes = vp.scope_bytes;
        return 0;
}

static int teardown(void **state) {
        ranking_free(rk);
        free(rk);
        tree_rm(root);
        free(root);
        return 0;
}

static uint64_t used_now_value;
static int used_now(void *ud, uint64_t *ret) {
        (void)ud;
        *ret = used_now_value;
        return 0;
}

/* No fork or change reported since the walk (the connector is on). */
static struct births quiet = { .active = true };

/* ranking_choose with "what the scope holds now" = used. */
static int choose_ranked(uint64_t used, const struct births *b, struct victim *v, struct victim_stats *st) {
        used_now_value = used;
        return ranking_choose(rk, &vp, now_ns(), b, used_now, NULL, v, st);
}

static void walk(uint64_t used) {
        assert_int_equal(ranking_step(rk, &vp, used, UINT64_MAX, 0), 0);
        assert_false(rk->walking); /* no deadline: one step walks it all */
}

static void test_pure(void **state) {
        const pid_t pids[] = { 2, 5, 9, 100 };
        assert_true(pid_sorted_contains(pids, 4, 9));
        assert_true(pid_sorted_contains(pids, 4, 100));
        assert_false(pid_sorted_contains(pids, 4, 6));
        assert_false(pid_sorted_contains(pids, 0, 2));
        /* 1 byte of growth is a whole point: the bound rounds up. */
        assert_int_equal(ranking_unexplained(10, 11, 1000, 0), 1);
        assert_int_equal(ranking_unexplained(0, 500, 1000, 100), 400);
        assert_int_equal(ranking_unexplained(0, 500, 1000, 600), 0);
        assert_int_equal(ranking_unexplained(500, 0, 1000, 0), 0); /* shrank */
        assert_true(ranking_unexplained(0, 500, 0, 0) > 1000000);  /* no scale: fails closed */
        assert_true(ranking_covers(600, 555, 45));
        assert_false(ranking_covers(600, 555, 46));
}

static void test_same_answer_as_the_scan(void **state) {
        walk(300 * MIB);
        assert_true(rk->ready);
        assert_int_equal(rk->n_top, RANK_TOP);
        assert_int_equal(rk->top[0].pid, FIRST + COUNT - 1);
        struct victim scan, ranked;
        struct victim_stats st = { 0 };
        assert_int_equal(victim_choose(&vp, dir, &scan, NULL), 0);
        assert_int_equal(choose_ranked(300 * MIB, &quiet, &ranked, &st), 0);
        assert_int_equal(ranked.pid, scan.pid);
        assert_int_equal(ranked.score, scan.score);
        assert_int_equal(st.ranked_of, COUNT);
        assert_int_equal(st.scanned, RANK_TOP); /* the candidates only */
}

static void test_newcomer_is_read(void **state) {
        walk(300 * MIB);
        write_procs(COUNT, 5000);
        proc(5000, 700 * 1024);
        struct victim v;
        assert_int_equal(choose_ranked(1000 * MIB, &quiet, &v, NULL), 0);
        assert_int_equal(v.pid, 5000); /* listed (moved in or born): its growth is explained */
}

static void test_unexplained_growth_scans(void **state) {
        walk(300 * MIB);
        proc(FIRST + 50, 700 * 1024); /* was 51 MiB, not a candidate */
        struct victim v;
        assert_int_equal(choose_ranked(949 * MIB, &quiet, &v, NULL), -EAGAIN);
        assert_int_equal(victim_choose(&vp, dir, &v, NULL), 0);
        assert_int_equal(v.pid, FIRST + 50);
        /* A candidate's own growth explains the same amount. */
        proc(FIRST + 50, 51 * 1024);
        proc(FIRST + COUNT - 2, (COUNT - 1 + 400) * 1024);
        assert_int_equal(choose_ranked(700 * MIB, &quiet, &v, NULL), 0);
        assert_int_equal(v.pid, FIRST + COUNT - 2);
}

static void test_small_scope_is_scanned(void **state) {
        write_procs(RANK_MIN_PROCS - 1, 0);
        walk(0);
        assert_true(rk->small);
        struct victim v;
        assert_int_equal(choose_ranked(0, &quiet, &v, NULL), -EAGAIN);
}

static void test_empty_scope(void **state) {
        /* A fresh ranking of an empty cgroup (after a kill): nothing to
         * sort, nothing to choose, and no crash on the empty arrays. */
        tree_write(root, "/cg/cgroup.procs", "");
        walk(0);
        assert_true(rk->small);
        struct victim v;
        assert_int_equal(choose_ranked(0, &quiet, &v, NULL), -EAGAIN);
}

static void test_stale_ranking_scans(void **state) {
        walk(300 * MIB);
        struct victim v;
        used_now_value = 300 * MIB;
        assert_int_equal(
                ranking_choose(rk, &vp, rk->ready_start_ns + RANK_MAX_AGE_NS + 1, &quiet, used_now, NULL, &v, NULL),
                -EAGAIN);
        /* Without the connector an exec since the walk would be unseen. */
        assert_int_equal(choose_ranked(300 * MIB, NULL, &v, NULL), -EAGAIN);
}

static void test_births(void **state) {
        struct births b = { .active = true, .since_ns = 100 };
        pid_t out[RANK_MAX_NEW];
        size_t n = 99;
        assert_int_equal(births_since(&b, 150, NULL, 0, out, RANK_MAX_NEW, &n), 0);
        assert_int_equal(n, 0);
        births_record(&b, 7, 140);
        births_record(&b, 8, 160);
        assert_int_equal(births_since(&b, 150, NULL, 0, out, RANK_MAX_NEW, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(out[0], 8);
        /* Before the connector fed it: unknown. */
        assert_int_equal(births_since(&b, 50, NULL, 0, out, RANK_MAX_NEW, &n), -EAGAIN);
        /* Events dropped after the walk began: unknown. */
        b.lost_ns = 155;
        assert_int_equal(births_since(&b, 150, NULL, 0, out, RANK_MAX_NEW, &n), -EAGAIN);
        b.lost_ns = 0;
        /* The ring overran past the walk's start: unknown. */
        for (int i = 0; i < RANK_BIRTHS; i++)
                births_record(&b, 1000 + i, 200 + (uint64_t)i);
        assert_int_equal(births_since(&b, 150, NULL, 0, out, RANK_MAX_NEW, &n), -EAGAIN);
        assert_int_equal(births_since(&b, 200 + RANK_BIRTHS - 100, NULL, 0, out, RANK_MAX_NEW, &n), 0);
        assert_int_equal(n, 100);
        assert_int_equal(out[0], 1000 + RANK_BIRTHS - 100);
        /* More than the cap since then: unknown, */
        assert_int_equal(births_since(&b, 300, NULL, 0, out, RANK_MAX_NEW, &n), -EAGAIN);
        /* but not when only the pids a walk saw (sorted) count: the
         * host's other forks are left out. */
        const pid_t seen[] = { 1100, 1200, 9999 };
        assert_int_equal(births_since(&b, 300, seen, 3, out, RANK_MAX_NEW, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(out[0], 1100);
        assert_int_equal(out[1], 1200);
        /* Not fed at all. */
        b.active = false;
        assert_int_equal(births_since(&b, 300, NULL, 0, out, RANK_MAX_NEW, &n), -EAGAIN);
}

static void test_newcomer_from_births(void **state) {
        walk(300 * MIB);
        write_procs(COUNT, 5000);
        proc(5000, 700 * 1024);
        struct births b = { .active = true, .since_ns = 1 };
        births_record(&b, 5000, rk->ready_start_ns + 1);
        struct victim v;
        struct victim_stats st = { 0 };
        assert_int_equal(choose_ranked(1000 * MIB, &b, &v, &st), 0);
        assert_int_equal(v.pid, 5000);
        assert_int_equal(st.scanned, RANK_TOP + 1); /* reported and listed: read once */
}

/* The best candidate died (a kill): its memory is free for anyone, so a
 * process left out may have grown into it with nothing to show in the
 * total. */
static void test_freed_memory_is_unexplained(void **state) {
        walk(300 * MIB);
        char text[256], rel[64];
        snprintf(text, sizeof(text), "%d (p) Z 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %d 0 0 0\n", FIRST + COUNT - 1,
                 1000 + FIRST + COUNT - 1);
        snprintf(rel, sizeof(rel), "/proc/%d/stat", FIRST + COUNT - 1);
        tree_write(root, rel, text);  /* the old best: a zombie now */
        proc(FIRST + 50, 700 * 1024); /* grew into its memory */
        struct victim v;
        assert_int_equal(choose_ranked(300 * MIB, &quiet, &v, NULL), -EAGAIN);
        assert_int_equal(victim_choose(&vp, dir, &v, NULL), 0);
        assert_int_equal(v.pid, FIRST + 50);
}

/* An exec (or comm, uid change) since the walk puts the process among the
 * candidates: its growth is then explained. */
static void test_changed_process_is_read(void **state) {
        walk(300 * MIB);
        proc(FIRST + 50, 700 * 1024);
        struct births b = { .active = true };
        births_record(&b, FIRST + 50, rk->ready_start_ns + 1);
        struct victim v;
        assert_int_equal(choose_ranked(949 * MIB, &b, &v, NULL), 0);
        assert_int_equal(v.pid, FIRST + 50);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pure),
                cmocka_unit_test(test_births),
                cmocka_unit_test_setup_teardown(test_newcomer_from_births, setup, teardown),
                cmocka_unit_test_setup_teardown(test_same_answer_as_the_scan, setup, teardown),
                cmocka_unit_test_setup_teardown(test_newcomer_is_read, setup, teardown),
                cmocka_unit_test_setup_teardown(test_unexplained_growth_scans, setup, teardown),
                cmocka_unit_test_setup_teardown(test_small_scope_is_scanned, setup, teardown),
                cmocka_unit_test_setup_teardown(test_stale_ranking_scans, setup, teardown),
                cmocka_unit_test_setup_teardown(test_empty_scope, setup, teardown),
                cmocka_unit_test_setup_teardown(test_freed_memory_is_unexplained, setup, teardown),
                cmocka_unit_test_setup_teardown(test_changed_process_is_read, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
