/* A cgroup namespace's root in a hierarchy mounted from outside it
 * (sources/cgroup_namespace.h) and the mapping of /proc views through it
 * (sources/cgroup_view.h): mountinfo's "/../.." form, the search of a
 * fixture tree for the cgroup that lists our pid, the views mapped. */
#include "testing.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/cgroup_namespace.h"
#include "sources/cgroup_view.h"
#include "sources/proc_pid.h"
#include "util.h"

static void test_levels_above(void **state) {
        assert_int_equal(cgroupns_levels_above("/"), 0);
        assert_int_equal(cgroupns_levels_above("/.."), 1);
        assert_int_equal(cgroupns_levels_above("/../../.."), 3);
        assert_int_equal(cgroupns_levels_above("/../../"), 2);
        assert_int_equal(cgroupns_levels_above("/a/b"), -ENOENT); /* runc's bind mount of our own */
        assert_int_equal(cgroupns_levels_above("/../x"), -EXDEV); /* a sibling's subtree */
        assert_int_equal(cgroupns_levels_above("/..x"), -ENOENT);
        assert_int_equal(cgroupns_levels_above(""), -EINVAL);
}

static void make_dir(const char *top, const char *rel) {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s%s", top, rel);
        assert_int_equal(mkdir(path, 0755), 0);
}

static void make_procs(const char *top, const char *rel, const char *pids) {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s%s/cgroup.procs", top, rel);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(pids, f);
        fclose(f);
}

/* A node's tree: kubepods/{burstable/pod1/{c1,c2},besteffort/pod2/c3};
 * our pid 4242 is in pod1/c2 (2345 and 14242 around it, which must not
 * match a prefix or suffix of it), or in pod1/c2/sub. */
static void node_tree(char *top, size_t size) {
        snprintf(top, size, "/tmp/oomguard-test-cgns-XXXXXX");
        assert_non_null(mkdtemp(top));
        static const char *const dirs[] = { "/kubepods",
                                            "/kubepods/burstable",
                                            "/kubepods/besteffort",
                                            "/kubepods/burstable/pod1",
                                            "/kubepods/besteffort/pod2",
                                            "/kubepods/burstable/pod1/c1",
                                            "/kubepods/burstable/pod1/c2",
                                            "/kubepods/burstable/pod1/c2/sub",
                                            "/kubepods/besteffort/pod2/c3" };
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
                make_dir(top, dirs[i]);
        make_procs(top, "/kubepods/burstable/pod1/c1", "14242\n");
        make_procs(top, "/kubepods/besteffort/pod2/c3", "424\n2\n");
}

static void remove_tree(const char *top) {
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
        assert_int_equal(system(cmd), 0);
}

static void test_find_root(void **state) {
        char top[PATH_MAX], found[PATH_MAX];
        node_tree(top, sizeof(top));
        make_procs(top, "/kubepods/burstable/pod1/c2", "1\n2345\n4242\n");
        assert_int_equal(cgroupns_find_root(top, 4, "/", 4242, found, sizeof(found)), 0);
        assert_string_equal(found, "/kubepods/burstable/pod1/c2");
        assert_int_equal(cgroupns_find_root(top, 3, "/", 4242, found, sizeof(found)), -ENOENT);
        assert_int_equal(cgroupns_find_root(top, 4, "/", 4243, found, sizeof(found)), -ENOENT);
        assert_int_equal(cgroupns_find_root(top, 4, "/", 424, found, sizeof(found)), 0); /* c3 */
        assert_string_equal(found, "/kubepods/besteffort/pod2/c3");
        /* Moved below our root after the namespace was made: "/sub". */
        make_procs(top, "/kubepods/burstable/pod1/c2", "1\n");
        make_procs(top, "/kubepods/burstable/pod1/c2/sub", "4242");
        assert_int_equal(cgroupns_find_root(top, 4, "/sub", 4242, found, sizeof(found)), 0);
        assert_string_equal(found, "/kubepods/burstable/pod1/c2");
        assert_int_equal(cgroupns_find_root(top, 4, "/sub", 4242, found, 8), -ENAMETOOLONG);
        assert_int_equal(cgroupns_find_root("/nonexistent-oomguard", 1, "/", 1, found, sizeof(found)), -ENOENT);
        remove_tree(top);
}

static void test_view_map(void **state) {
        char p[PATH_MAX];
        cgroup_views_clear();
        snprintf(p, sizeof(p), "/../x");
        assert_int_equal(cgroup_view_map("memory", p, sizeof(p)), 0);
        assert_string_equal(p, "/../x"); /* no mapping: as read */
        assert_int_equal(cgroup_view_set("memory", "/kubepods/burstable/pod1/c2"), 0);
        assert_int_equal(cgroup_view_set(NULL, "/k/p/c"), 0);
        assert_int_equal(cgroup_view_map("memory", p, sizeof(p)), 0);
        assert_string_equal(p, "/kubepods/burstable/pod1/x");
        snprintf(p, sizeof(p), "/");
        assert_int_equal(cgroup_view_map("memory", p, sizeof(p)), 0);
        assert_string_equal(p, "/kubepods/burstable/pod1/c2");
        snprintf(p, sizeof(p), "/../../../../..");
        assert_int_equal(cgroup_view_map("memory", p, sizeof(p)), -EXDEV);
        snprintf(p, sizeof(p), "/../../../besteffort/q");
        assert_int_equal(cgroup_view_map(NULL, p, sizeof(p)), 0);
        assert_string_equal(p, "/besteffort/q");
        snprintf(p, sizeof(p), "/../y");
        assert_int_equal(cgroup_view_map("pids", p, sizeof(p)), 0);
        assert_string_equal(p, "/../y");
        assert_string_equal(cgroup_view_root(NULL), "/k/p/c");
        assert_null(cgroup_view_root("pids"));
        assert_int_equal(cgroup_view_set("pids", "/"), 0);
        assert_int_equal(cgroup_view_set("freezer", "/"), 0);
        assert_int_equal(cgroup_view_set("cpu", "/"), -ENOSPC);
        assert_int_equal(cgroup_view_set("memory", "/again"), 0); /* replaced, not added */
        assert_string_equal(cgroup_view_root("memory"), "/again");
        cgroup_views_clear();
        assert_null(cgroup_view_root(NULL));
}

/* read_proc_cgroup maps what it reads (a fixture root's proc/PID/cgroup). */
static void test_read_mapped(void **state) {
        char root[64], path[PATH_MAX], p[PATH_MAX];
        snprintf(root, sizeof(root), "/tmp/oomguard-test-cgns-root-XXXXXX");
        assert_non_null(mkdtemp(root));
        snprintf(path, sizeof(path), "%s/proc", root);
        assert_int_equal(mkdir(path, 0755), 0);
        snprintf(path, sizeof(path), "%s/proc/77", root);
        assert_int_equal(mkdir(path, 0755), 0);
        make_procs(root, "/proc/77", "");
        snprintf(path, sizeof(path), "%s/proc/77/cgroup", root);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("0::/../../besteffort/pod2/c3\n", f);
        fclose(f);
        assert_int_equal(read_proc_cgroup(root, 77, NULL, p, sizeof(p)), 0);
        assert_string_equal(p, "/../../besteffort/pod2/c3");
        assert_int_equal(cgroup_view_set(NULL, "/kubepods/burstable/pod1"), 0);
        assert_int_equal(read_proc_cgroup(root, 77, NULL, p, sizeof(p)), 0);
        assert_string_equal(p, "/kubepods/besteffort/pod2/c3");
        cgroup_views_clear();
        remove_tree(root);
}

/* A /proc view as a path in the mount: a sidecar's prefix taken off
 * (the app's "/../app", runc's host path), and nothing outside it. */
static void test_view_rel(void **state) {
        char r[64];
        assert_int_equal(cgroup_view_rel("/a/b", NULL, r, sizeof(r)), 0);
        assert_string_equal(r, "/a/b");
        assert_int_equal(cgroup_view_rel("/a/b", "", r, sizeof(r)), 0);
        assert_string_equal(r, "/a/b");
        assert_int_equal(cgroup_view_rel("/a/b", "/", r, sizeof(r)), 0);
        assert_string_equal(r, "/a/b");
        assert_int_equal(cgroup_view_rel("/../app", NULL, r, sizeof(r)), -EXDEV);
        /* --sidecar=PROGRAM: the app's view; its mount is rooted there */
        assert_int_equal(cgroup_view_rel("/../app", "/../app", r, sizeof(r)), 0);
        assert_string_equal(r, "/");
        assert_int_equal(cgroup_view_rel("/../app/w/x", "/../app", r, sizeof(r)), 0);
        assert_string_equal(r, "/w/x");
        assert_int_equal(cgroup_view_rel("/../app2", "/../app", r, sizeof(r)), -EXDEV);
        assert_int_equal(cgroup_view_rel("/../app/../ours", "/../app", r, sizeof(r)), -EXDEV);
        assert_int_equal(cgroup_view_rel("/", "/../app", r, sizeof(r)), -EXDEV);
        /* runc's layout: the host's path before the mount's */
        assert_int_equal(cgroup_view_rel("/docker/c1/sub", "/docker/c1", r, sizeof(r)), 0);
        assert_string_equal(r, "/sub");
        assert_int_equal(cgroup_view_rel("/docker/c10", "/docker/c1", r, sizeof(r)), -EXDEV);
        /* in place, and too long */
        snprintf(r, sizeof(r), "/../app/w");
        assert_int_equal(cgroup_view_rel(r, "/../app", r, sizeof(r)), 0);
        assert_string_equal(r, "/w");
        assert_int_equal(cgroup_view_rel("/../app/0123456789", "/../app", r, 8), -ENAMETOOLONG);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_levels_above), cmocka_unit_test(test_find_root), cmocka_unit_test(test_view_map),
                cmocka_unit_test(test_read_mapped),  cmocka_unit_test(test_view_rel),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
