/* Sidecar mode's own-cgroup detection (sources/self_cgroup.h): the
 * mountinfo root field, the resolution in the three layouts a container
 * gives (cgroup namespace, runc's bind mount without one, a host), the
 * refusal of a mount from outside the namespace, and a fixture tree. */
#include "testing.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/proc_pid.h"
#include "sources/mountinfo.h"
#include "sources/self_cgroup.h"
#include "util.h"

/* An emulated container: the host's mount, hidden by a fresh one at the
 * same place (as tests/t-live-sidecar.sh makes it). */
static const char emulated[] =
        "50 49 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "54 50 0:32 /../../.. /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
        "67 50 0:41 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw\n"
        "68 67 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup memory rw,memory\n";
/* runc without a cgroup namespace: a bind mount of the container's own
 * directory, read-only; a mount point with a space in it, escaped. */
static const char runc[] =
        "601 600 0:32 /user.slice/runc-c1 /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n"
        "602 600 0:50 / /mnt/a\\040b rw - tmpfs tmpfs rw\n";

static void test_mountinfo_root(void **state) {
        (void)state;
        char root[PATH_MAX];
        assert_int_equal(PARSE(parse_mountinfo_root, emulated, "/sys/fs/cgroup/memory", root, sizeof(root)), 0);
        assert_string_equal(root, "/"); /* the last mount there is the one seen */
        assert_int_equal(PARSE(parse_mountinfo_root, runc, "/sys/fs/cgroup/memory", root, sizeof(root)), 0);
        assert_string_equal(root, "/user.slice/runc-c1");
        assert_int_equal(PARSE(parse_mountinfo_root, runc, "/mnt/a b", root, sizeof(root)), 0);
        assert_string_equal(root, "/");
        assert_int_equal(PARSE(parse_mountinfo_root, runc, "/sys/fs/cgroup/cpu", root, sizeof(root)), -ENOENT);
        assert_int_equal(PARSE(parse_mountinfo_root, runc, "/sys/fs/cgroup/memory", root, 8), -ENAMETOOLONG);
        /* The hidden mount alone (no fresh one): its root is above us. */
        static const char only_old[] = "54 50 0:32 /../../.. /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
        assert_int_equal(PARSE(parse_mountinfo_root, only_old, "/sys/fs/cgroup/memory", root, sizeof(root)), 0);
        assert_string_equal(root, "/../../..");
        /* A line cut short, or an empty file. */
        assert_int_equal(PARSE(parse_mountinfo_root, "54 50 0:32", "/sys/fs/cgroup/memory", root, sizeof(root)),
                         -ENOENT);
        assert_int_equal(PARSE(parse_mountinfo_root, "", "/", root, sizeof(root)), -ENOENT);
}

struct resolve_case {
        const char *proc_view, *mount_root, *rel;
        int r;
};

static void test_resolve(void **state) {
        (void)state;
        static const struct resolve_case cases[] = {
                { "/", "/", "/", 0 },                                     /* a cgroup namespace */
                { "/", "", "/", 0 },                                      /* mountinfo did not list it */
                { "/user.slice/runc-c1", "/user.slice/runc-c1", "/", 0 }, /* runc: the bind mount */
                { "/kubepods/pod1/c1/child", "/kubepods/pod1/c1", "/child", 0 },
                { "/system.slice/x.service", "/", "/system.slice/x.service", 0 }, /* a host */
                { "/", "/../../..", NULL, -EXDEV },                               /* the host's mount after unshare */
                { "/../sibling", "/", NULL, -EXDEV }, /* we are outside the namespace's root */
                { "/a", "/a/b", NULL, -ENOENT },      /* the mount shows a cgroup below ours */
                { "/ab", "/a", NULL, -ENOENT },       /* a sibling sharing a prefix */
                { "relative", "/", NULL, -ENOENT },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char rel[PATH_MAX] = "";
                int r = self_cgroup_resolve(cases[i].proc_view, cases[i].mount_root, rel, sizeof(rel));
                if (r != cases[i].r || (cases[i].rel && strcmp(rel, cases[i].rel) != 0))
                        fail_msg("%s in %s: %d '%s', expected %d '%s'", cases[i].proc_view, cases[i].mount_root, r, rel,
                                 cases[i].r, cases[i].rel ? cases[i].rel : "");
        }
        char small[4];
        assert_int_equal(self_cgroup_resolve("/abcdef", "/", small, sizeof(small)), -ENAMETOOLONG);
}

static void test_cap_eff(void **state) {
        (void)state;
        uint64_t caps = 0;
        static const char status[] =
                "Name:\tx\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
                "CapEff:\t000001fffeffffff\nCapBnd:\t000001ffffffffff\n";
        assert_int_equal(PARSE(parse_status_cap_eff, status, &caps), 0);
        assert_true(caps == UINT64_C(0x000001fffeffffff));
        assert_false((caps >> 24) & 1); /* CAP_SYS_RESOURCE, as in some sandboxes */
        assert_int_equal(PARSE(parse_status_cap_eff, "CapEff:\t0000000000000000\n", &caps), 0);
        assert_true(caps == 0);
        assert_int_equal(PARSE(parse_status_cap_eff, "Name:\tx\n", &caps), -ENOENT);
        assert_int_equal(PARSE(parse_status_cap_eff, "CapEff:\tzz\n", &caps), -EINVAL);
        assert_int_equal(PARSE(parse_status_cap_eff, "CapEff:\t00ff", &caps), -ENOENT); /* cut short */
}

/* A fixture root: proc/PID/cgroup, proc/self/mountinfo, the mount. */
static void put(const char *root, const char *rel, const char *text) {
        char path[PATH_MAX], dir[PATH_MAX + 32];
        snprintf(path, sizeof(path), "%s%s", root, rel);
        snprintf(dir, sizeof(dir), "mkdir -p \"$(dirname '%s')\"", path);
        assert_int_equal(system(dir), 0);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void fixture(char *root, size_t size, const char *proc_cgroup, const char *mountinfo, const char *limit,
                    struct cgroup_mounts *m) {
        snprintf(root, size, "/tmp/oomguard-selfcg-XXXXXX");
        assert_non_null(mkdtemp(root));
        char rel[64];
        snprintf(rel, sizeof(rel), "/proc/%d/cgroup", (int)getpid());
        put(root, rel, proc_cgroup);
        put(root, "/proc/self/mountinfo", mountinfo);
        put(root, "/sys/fs/cgroup/memory/memory.limit_in_bytes", limit);
        put(root, "/sys/fs/cgroup/memory/memory.max", limit); /* read when the mount is made v2 */
        *m = (struct cgroup_mounts){ .layout = LAYOUT_HYBRID, .memory_version = CGROUP_V1 };
        snprintf(m->memory_mount, sizeof(m->memory_mount), "%s/sys/fs/cgroup/memory", root);
}

static void remove_tree(const char *root) {
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
}

static void test_find(void **state) {
        (void)state;
        char root[PATH_MAX];
        struct cgroup_mounts m;
        struct self_cgroup s;
        /* runc, its mountinfo naming "/" (a bind mount some kernels list so):
         * the host's path is not in the mount, so its root is ours. */
        fixture(root, sizeof(root), "4:memory:/user.slice/runc-c1\n0::/\n",
                "601 600 0:32 / /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n", "268435456\n", &m);
        assert_int_equal(self_cgroup_find(root, &m, &s), 0);
        assert_string_equal(s.rel, "/");
        assert_string_equal(s.proc_view, "/user.slice/runc-c1");
        assert_string_equal(s.controller, "memory");
        assert_true(s.limit == 268435456);
        assert_non_null(strstr(s.how, "not in the mount"));
        assert_true(self_cgroup_is_container(&s));
        remove_tree(root);
        /* No limit of its own: not a container (a host's root cgroup). */
        fixture(root, sizeof(root), "4:memory:/\n", "68 67 0:32 / /sys/fs/cgroup/memory rw - cgroup memory rw\n",
                "9223372036854771712\n", &m);
        assert_int_equal(self_cgroup_find(root, &m, &s), 0);
        assert_string_equal(s.rel, "/");
        assert_true(s.limit == BYTES_UNLIMITED);
        assert_false(self_cgroup_is_container(&s));
        remove_tree(root);
        /* The host's mount seen from a new cgroup namespace: refused. */
        fixture(root, sizeof(root), "4:memory:/\n",
                "54 50 0:32 /../../.. /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "268435456\n", &m);
        assert_int_equal(self_cgroup_find(root, &m, &s), -EXDEV);
        remove_tree(root);
        /* cgroup v2 with a cgroup namespace: the "0::" line, memory.max. */
        fixture(root, sizeof(root), "0::/\n", "30 29 0:26 / /sys/fs/cgroup/memory rw - cgroup2 cgroup2 rw\n",
                "536870912\n", &m);
        m.layout = LAYOUT_V2;
        m.memory_version = CGROUP_V2;
        assert_int_equal(self_cgroup_find(root, &m, &s), 0);
        assert_string_equal(s.rel, "/");
        assert_null(s.controller);
        assert_true(s.limit == 536870912);
        assert_true(self_cgroup_is_container(&s));
        remove_tree(root);
        /* v2, "max": no limit of its own. */
        fixture(root, sizeof(root), "0::/\n", "30 29 0:26 / /sys/fs/cgroup/memory rw - cgroup2 cgroup2 rw\n", "max\n",
                &m);
        m.memory_version = CGROUP_V2;
        assert_int_equal(self_cgroup_find(root, &m, &s), 0);
        assert_true(s.limit == BYTES_UNLIMITED);
        assert_false(self_cgroup_is_container(&s));
        remove_tree(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_mountinfo_root),
                cmocka_unit_test(test_resolve),
                cmocka_unit_test(test_cap_eff),
                cmocka_unit_test(test_find),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
