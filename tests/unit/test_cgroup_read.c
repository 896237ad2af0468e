/* The tick's read of watched cgroups (snapshot/cgroup_read.c): which
 * cgroups are cold (only probed) and which are read in full, on a
 * fixture v2 cgroup; what a failed read keeps; and what a rescan
 * (snapshot/cgroup_set.c) keeps of a cgroup met again under another
 * mount path. */
#include "testing.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../fixtures/sources/tree.h"
#include "policy/builtin_policy.h"
#include "policy/config.h"
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

/* One watched v1 cgroup whose usage file cannot be read (EISDIR: not the
 * kernel's "removed") and an armed OOM eventfd, as under oom_handler. */
static void setup_one(struct cgroup_set *set, struct watched_cgroup *w, struct cgroup_view *v) {
        *w = (struct watched_cgroup){ .path = "/a", .level_fd = -1, .psi_fd = -1, .pressure_fd = -1 };
        w->files.version = CGROUP_V1;
        for (size_t i = 0; i < _MEMCG_FILE_MAX; i++)
                w->files.fd[i] = -1;
        w->files.fd[MEMCG_USAGE] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        w->oom_fd = eventfd(0, EFD_CLOEXEC);
        w->oom_handled = true;
        assert_true(w->files.fd[MEMCG_USAGE] >= 0 && w->oom_fd >= 0);
        *set = (struct cgroup_set){ .items = w, .n = 1, .cap = 1, .views = v, .cap_views = 1 };
}

/* A read error that is not the cgroup's removal: no view this tick, but
 * the OOM eventfd stays (closing it would leave an OOM with
 * oom_kill_disable = 1 waiting for nobody), and no rescan is forced. */
static void test_transient_error_keeps_fds(void **state) {
        struct cgroup_set set;
        struct watched_cgroup w;
        struct cgroup_view v;
        char scratch[8192];
        setup_one(&set, &w, &v);
        int oom_fd = w.oom_fd;
        cgroup_set_read(&set, 1000, 0, -1, scratch, sizeof(scratch));
        assert_false(v.valid);
        assert_false(w.vanished);
        assert_false(set.vanished);
        assert_int_equal(w.oom_fd, oom_fd);
        assert_true(fcntl(oom_fd, F_GETFD) >= 0);
        /* Read again next tick: still watched. */
        cgroup_set_read(&set, 2000, 0, -1, scratch, sizeof(scratch));
        assert_false(w.vanished);
        close(w.files.fd[MEMCG_USAGE]);
        close(oom_fd);
}

/* --sidecar=PROGRAM: a new anchor in the same container names the same
 * cgroup through another /proc/PID/root (here: a second path to the same
 * directory). The cgroup is kept, and its PSI twin's path is the new
 * one: a trigger armed again after a reload must not go through the old
 * pid, gone or another process's by then. */
static void test_rescan_follows_mount_path(void **state) {
        char *root = tree_new();
        char a[512], b[512];
        tree_write(root, "a/memory.current", "41943040\n");
        tree_write(root, "a/memory.max", "268435456\n");
        tree_write(root, "a/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        tree_write(root, "a/memory.stat", "anon 41943040\nfile 0\n");
        tree_write(root, "a/memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        snprintf(a, sizeof(a), "%s/a", root);
        snprintf(b, sizeof(b), "%s/b", root);
        assert_int_equal(symlink("a", b), 0);
        char psi_a[520], psi_b[520]; /* the mount joined with "/" */
        snprintf(psi_a, sizeof(psi_a), "%s/", a);
        snprintf(psi_b, sizeof(psi_b), "%s/", b);
        struct policy p;
        struct config_errors e = { 0 };
        assert_int_equal(builtin_policy_load("/../app", true, &p, &e), 0);
        config_errors_free(&e);
        struct cgroup_mounts m = { .memory_version = CGROUP_V2 };
        snprintf(m.memory_mount, sizeof(m.memory_mount), "%s", a);
        snprintf(m.unified_mount, sizeof(m.unified_mount), "%s", a);
        struct cgroup_set set = { 0 };
        assert_int_equal(cgroup_set_rescan(&set, "/", &m, &p), 0);
        assert_int_equal(set.n, 1);
        assert_string_equal(set.items[0].path, "/");
        assert_string_equal(set.items[0].psi_dir, psi_a);
        int usage_fd = set.items[0].files.fd[MEMCG_USAGE];
        snprintf(m.memory_mount, sizeof(m.memory_mount), "%s", b);
        snprintf(m.unified_mount, sizeof(m.unified_mount), "%s", b);
        assert_int_equal(cgroup_set_rescan(&set, "/", &m, &p), 0);
        assert_int_equal(set.n, 1);
        assert_int_equal(set.items[0].files.fd[MEMCG_USAGE], usage_fd); /* the same cgroup, kept */
        assert_string_equal(set.items[0].psi_dir, psi_b);
        /* Under a third name without the twin: the old name is not kept. */
        char c3[512];
        snprintf(c3, sizeof(c3), "%s/c", root);
        assert_int_equal(symlink("a", c3), 0);
        snprintf(m.memory_mount, sizeof(m.memory_mount), "%s", c3);
        m.unified_mount[0] = '\0';
        assert_int_equal(cgroup_set_rescan(&set, "/", &m, &p), 0);
        assert_int_equal(set.n, 1);
        assert_null(set.items[0].psi_dir);
        cgroup_set_free(&set);
        policy_free(&p);
        tree_rm(root);
        free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cold_far_below),
                cmocka_unit_test(test_not_cold_near_memory_high),
                cmocka_unit_test(test_transient_error_keeps_fds),
                cmocka_unit_test(test_rescan_follows_mount_path),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
