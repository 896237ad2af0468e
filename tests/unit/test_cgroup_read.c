/* The tick's read of watched cgroups (snapshot/cgroup_read.c): which
 * cgroups are cold (only probed) and which are read in full, on a
 * fixture v2 cgroup. */
#include "testing.h"

#include <stdlib.h>

#include "../fixtures/sources/tree.h"
#include "snapshot/cgroup_set.h"
#include "util.h"

#define MIB (UINT64_C(1) << 20)

/* One watched v2 cgroup: 40 MiB used of 256 MiB, the rule's wake level
 * at 200 MiB (cold below 100 MiB), memory.high as given. */
static void setup(const char *root, const char *high, struct cgroup_set *set, struct watched_cgroup *w,
                  struct cgroup_view *v) {
        char dir[512];
        tree_write(root, "cg/memory.current", "41943040\n");
        tree_write(root, "cg/memory.max", "268435456\n");
        tree_write(root, "cg/memory.high", high);
        tree_write(root, "cg/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        tree_write(root, "cg/memory.stat", "anon 41943040\nfile 0\n");
        snprintf(dir, sizeof(dir), "%s/cg", root);
        *w = (struct watched_cgroup){ .path = "/cg", .level_fd = -1, .psi_fd = -1, .armed_level = 200 * MIB };
        assert_int_equal(memcg_open(CGROUP_V2, dir, NULL, &w->files), 0);
        *set = (struct cgroup_set){ .items = w, .n = 1, .cap = 1, .views = v, .cap_views = 1 };
}

/* Far below the wake level: cold, its counters not re-read. */
static void test_cold_far_below(void **state) {
        char *root = tree_new(), scratch[16384];
        struct cgroup_set set;
        struct watched_cgroup w;
        struct cgroup_view v;
        setup(root, "max\n", &set, &w, &v);
        cgroup_set_read(&set, 1 * NSEC_PER_SEC, 5 * NSEC_PER_SEC, -1, scratch, sizeof(scratch));
        assert_true(w.cold);
        cgroup_set_read(&set, 2 * NSEC_PER_SEC, 5 * NSEC_PER_SEC, -1, scratch, sizeof(scratch));
        assert_int_equal(w.prev_ns, 1 * NSEC_PER_SEC); /* probed, not read */
        memcg_close(&w.files);
        tree_rm(root);
        free(root);
}

/* An admin's memory.high far below the wake level (MemoryHigh=): the
 * cgroup throttled there counts "high" events, which a limit-hit alarm
 * must see: not cold. */
static void test_not_cold_near_memory_high(void **state) {
        char *root = tree_new(), scratch[16384];
        struct cgroup_set set;
        struct watched_cgroup w;
        struct cgroup_view v;
        setup(root, "67108864\n", &set, &w, &v);
        cgroup_set_read(&set, 1 * NSEC_PER_SEC, 5 * NSEC_PER_SEC, -1, scratch, sizeof(scratch));
        assert_false(w.cold);
        cgroup_set_read(&set, 2 * NSEC_PER_SEC, 5 * NSEC_PER_SEC, -1, scratch, sizeof(scratch));
        assert_int_equal(w.prev_ns, 2 * NSEC_PER_SEC); /* read in full */
        memcg_close(&w.files);
        tree_rm(root);
        free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cold_far_below),
                cmocka_unit_test(test_not_cold_near_memory_high),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
