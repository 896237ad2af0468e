/* Cgroup layout discovery and the fixture-root tree walk. */
#include "testing.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sources/cgroup_tree.h"
#include "sources/libcgroup_child.h"
#include "util.h"

static const char hybrid[] =
        "proc /proc proc rw,nosuid 0 0\n"
        "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0\n"
        "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n"
        "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\n"
        "cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0\n"
        "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n";

static void test_hybrid(void **state) {
        struct cgroup_mounts m;
        assert_int_equal(PARSE(parse_cgroup_mounts, hybrid, &m), 0);
        assert_int_equal(m.layout, LAYOUT_HYBRID);
        assert_int_equal(m.memory_version, CGROUP_V1);
        assert_string_equal(m.memory_mount, "/sys/fs/cgroup/memory");
        assert_string_equal(m.unified_mount, "/sys/fs/cgroup/unified");
}

static void test_v1_only_and_memory_among_options(void **state) {
        const char *t =
                "cgroup /cg/mem cgroup rw,nosuid,cpuset,memory,pids 0 0\n"
                "cgroup /cg/memoryless cgroup rw,memory_pressure_x 0 0\n";
        struct cgroup_mounts m;
        assert_int_equal(PARSE(parse_cgroup_mounts, t, &m), 0);
        assert_int_equal(m.layout, LAYOUT_V1);
        assert_string_equal(m.memory_mount, "/cg/mem");
}

static void test_v2(void **state) {
        struct cgroup_mounts m;
        assert_int_equal(PARSE(parse_cgroup_mounts, "cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n", &m), 0);
        assert_int_equal(m.layout, LAYOUT_V2);
        assert_int_equal(m.memory_version, CGROUP_V2);
        assert_string_equal(m.memory_mount, "/sys/fs/cgroup");
}

static void test_none_and_garbage(void **state) {
        struct cgroup_mounts m = { .layout = LAYOUT_HYBRID };
        assert_int_equal(PARSE(parse_cgroup_mounts, "", &m), -ENOENT);
        assert_int_equal(PARSE(parse_cgroup_mounts, "garbage\n\n\x01\x02 x\ncgroup\n", &m), -ENOENT);
        assert_int_equal(m.layout, LAYOUT_HYBRID); /* untouched on failure */
        /* truncated before the options field: no memory controller seen */
        assert_int_equal(parse_cgroup_mounts(hybrid, 120, &m), -ENOENT);
}

static char root[] = "/tmp/oomguard-tree-XXXXXX";

static void mkdirs(const char *rel) {
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "mkdir -p %s%s", root, rel);
        assert_int_equal(system(cmd), 0);
}

static void put(const char *rel, const char *text) {
        char path[512];
        snprintf(path, sizeof(path), "%s%s", root, rel);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

struct seen {
        char paths[16][64];
        int n;
};

static int collect(const char *rel, void *ud) {
        struct seen *s = ud;
        if (s->n < 16)
                snprintf(s->paths[s->n++], 64, "%s", rel);
        return 0;
}

static bool has(const struct seen *s, const char *p) {
        for (int i = 0; i < s->n; i++)
                if (strcmp(s->paths[i], p) == 0)
                        return true;
        return false;
}

static void test_fixture_walk_v2(void **state) {
        assert_non_null(mkdtemp(root));
        mkdirs("/proc/self");
        mkdirs("/sys/fs/cgroup/kubepods/pod1/c1");
        mkdirs("/sys/fs/cgroup/system.slice");
        put("/proc/self/mounts", "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n");
        put("/sys/fs/cgroup/cgroup.controllers", "cpu io memory pids\n");
        struct cgroup_mounts m;
        assert_int_equal(cgroup_mounts_discover(root, &m), 0);
        assert_int_equal(m.layout, LAYOUT_V2);
        char want[512];
        snprintf(want, sizeof(want), "%s/sys/fs/cgroup", root);
        assert_string_equal(m.memory_mount, want);
        struct seen s = { 0 };
        assert_int_equal(cgroup_tree_walk(root, &m, "/", 0, collect, &s), 0);
        assert_int_equal(s.n, 5);
        assert_true(has(&s, "/"));
        assert_true(has(&s, "/kubepods/pod1/c1"));
        assert_true(has(&s, "/system.slice"));
        /* Below a base, only as deep as asked. */
        memset(&s, 0, sizeof(s));
        assert_int_equal(cgroup_tree_walk(root, &m, "/kubepods", 1, collect, &s), 0);
        assert_int_equal(s.n, 2);
        assert_true(has(&s, "/kubepods") && has(&s, "/kubepods/pod1"));
        memset(&s, 0, sizeof(s));
        assert_int_equal(cgroup_tree_walk(root, &m, "/nothing-here", 1, collect, &s), 0);
        assert_int_equal(s.n, 0);
        /* cgroup2 without the memory controller: nothing to watch. */
        put("/sys/fs/cgroup/cgroup.controllers", "cpu io pids\n");
        assert_int_equal(cgroup_mounts_discover(root, &m), -ENOENT);
        snprintf(want, sizeof(want), "rm -rf %s", root);
        assert_int_equal(system(want), 0);
}

static void test_glob_walk_base(void **state) {
        char base[64];
        int depth;
        glob_walk_base("/kubepods/*/x", base, sizeof(base), &depth);
        assert_string_equal(base, "/kubepods");
        assert_int_equal(depth, 2);
        glob_walk_base("/system.slice/nginx.service", base, sizeof(base), &depth);
        assert_string_equal(base, "/system.slice/nginx.service");
        assert_int_equal(depth, 1);
        glob_walk_base("/*", base, sizeof(base), &depth);
        assert_string_equal(base, "/");
        assert_int_equal(depth, 1);
        glob_walk_base("/a/b[0-9]/c/d*", base, sizeof(base), &depth);
        assert_string_equal(base, "/a");
        assert_int_equal(depth, 3);
        glob_walk_base("//a//*", base, sizeof(base), &depth);
        assert_string_equal(base, "//a");
        assert_int_equal(depth, 1);
        /* "**": the whole subtree below the literal part. */
        glob_walk_base("/**", base, sizeof(base), &depth);
        assert_string_equal(base, "/");
        assert_int_equal(depth, 0);
        glob_walk_base("/kubepods/**/web", base, sizeof(base), &depth);
        assert_string_equal(base, "/kubepods");
        assert_int_equal(depth, 0);
}

static int count_path(const char *full, void *ud) {
        (void)full;
        (*(int *)ud)++;
        return 0;
}

/* The live system, through libcgroup in a child process: the mount point
 * it names is the one /proc/self/mounts names, and its walk one level deep
 * sees the memory root and every child directory of it. */
static void test_live_libcgroup_child(void **state) {
        struct cgroup_mounts m;
        char mount[4096];
        if (cgroup_mounts_discover("/", &m) < 0 || libcgroup_child_memory_mount(mount, sizeof(mount)) < 0) {
                skip(); /* no memory controller here */
                return;
        }
        assert_string_equal(mount, m.memory_mount);
        int dirs = -1, seen = 0;
        for (int tries = 0; tries < 3 && seen != dirs; tries++) { /* cgroups come and go */
                DIR *d = opendir(mount);
                assert_non_null(d);
                dirs = 1; /* the root itself */
                for (struct dirent *e; (e = readdir(d));)
                        dirs += e->d_type == DT_DIR && e->d_name[0] != '.';
                closedir(d);
                seen = 0;
                assert_int_equal(libcgroup_child_walk("/", 1, count_path, &seen), 0);
        }
        assert_int_equal(seen, dirs);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hybrid),
                cmocka_unit_test(test_v1_only_and_memory_among_options),
                cmocka_unit_test(test_v2),
                cmocka_unit_test(test_none_and_garbage),
                cmocka_unit_test(test_fixture_walk_v2),
                cmocka_unit_test(test_glob_walk_base),
                cmocka_unit_test(test_live_libcgroup_child),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
