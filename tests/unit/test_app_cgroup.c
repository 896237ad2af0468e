/* A sidecar guarding the app container beside it (--sidecar=PROGRAM):
 * membership by the /proc view seen from our cgroup namespace
 * (sources/cgroup_view.h: a sibling's "/../app" is a scope, never a path
 * below "/"), and the search's choice among the pid namespace's processes
 * (sources/app_cgroup.h): the program's name as the kernel cuts it, our
 * own and PID 1's cgroups excluded, the oldest process the anchor, two
 * containers of one name ambiguous. */
#include "testing.h"

#include "sources/app_cgroup.h"
#include "sources/cgroup_view.h"
#include "util.h"

static void test_canonical(void **state) {
        (void)state;
        assert_true(cgroup_view_canonical("/"));
        assert_true(cgroup_view_canonical("/a/b"));
        assert_true(cgroup_view_canonical("/../app"));
        assert_true(cgroup_view_canonical("/../../kubepods/pod1/c2"));
        assert_true(cgroup_view_canonical("/.."));
        assert_false(cgroup_view_canonical("")); /* not a path */
        assert_false(cgroup_view_canonical("a/b"));
        assert_false(cgroup_view_canonical("/a/../b")); /* ".." after a name: not the kernel's */
        assert_false(cgroup_view_canonical("/./a"));
        assert_false(cgroup_view_canonical("/a//b"));
        assert_false(cgroup_view_canonical("/a/"));
        assert_false(cgroup_view_canonical("/..x/../y")); /* "..x" is a name, then ".." */
        assert_true(cgroup_view_canonical("/..x"));
}

static void test_within(void **state) {
        (void)state;
        /* A sibling container's cgroup, from ours: itself and below. */
        assert_true(cgroup_view_within("/../app", "/../app"));
        assert_true(cgroup_view_within("/../app/worker", "/../app"));
        assert_false(cgroup_view_within("/../app2", "/../app")); /* a name that starts alike */
        assert_false(cgroup_view_within("/../pause", "/../app"));
        assert_false(cgroup_view_within("/../app/../pause", "/../app")); /* out again below it */
        assert_false(cgroup_view_within("/../app/.", "/../app"));
        assert_false(cgroup_view_within("/", "/../app"));
        /* Without "..", what path_within says, the security fix kept:
         * "/../x" is outside "/". */
        const char *pairs[][2] = { { "/a/b", "/a" }, { "/a", "/a" },    { "/ab", "/a" },     { "/a/b", "/" },
                                   { "/../x", "/" }, { "/../x", "/a" }, { "/a/../b", "/a" }, { "/a", "/a/b" } };
        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
                assert_int_equal(cgroup_view_within(pairs[i][0], pairs[i][1]), path_within(pairs[i][0], pairs[i][1]));
        /* A scope the kernel cannot have printed is nobody's. */
        assert_false(cgroup_view_within("/a/../b/c", "/a/../b"));
        assert_false(cgroup_view_within("/x", ""));
}

static void test_program(void **state) {
        (void)state;
        assert_true(app_program_matches("nginx", "nginx"));
        assert_false(app_program_matches("nginx", "ngin"));
        assert_false(app_program_matches("ngin", "nginx"));
        /* the kernel keeps 15 bytes of "my-application-server" */
        assert_true(app_program_matches("my-application-", "my-application-server"));
        assert_false(app_program_matches("my-application", "my-application-server"));
}

static void test_search(void **state) {
        (void)state;
        struct app_search s = { .program = "app", .exclude = { "/", "/../pause" } };
        app_search_consider(&s, 10, "app", 500, "/");         /* ours: never */
        app_search_consider(&s, 11, "app", 400, "/../pause"); /* PID 1's container */
        app_search_consider(&s, 12, "hog", 100, "/../app");   /* another program */
        app_search_consider(&s, 13, "app", 50, "/..");        /* the pod's cgroup: ours inside */
        app_search_consider(&s, 14, "app", 50, "/../..");
        assert_int_equal(s.pid, 0);
        app_search_consider(&s, 20, "app", 900, "/../app");
        app_search_consider(&s, 21, "app", 300, "/../app"); /* older: the anchor */
        app_search_consider(&s, 22, "app", 950, "/../app");
        assert_int_equal(s.pid, 21);
        assert_int_equal(s.starttime, 300);
        assert_string_equal(s.view, "/../app");
        assert_int_equal(s.matches, 3);
        assert_int_equal(s.other_pid, 0);
        app_search_consider(&s, 30, "app", 100, "/../other"); /* a second container of app */
        assert_int_equal(s.other_pid, 30);
        assert_string_equal(s.other_view, "/../other");
        assert_int_equal(s.pid, 21); /* the first stays chosen, for the log */
        /* Without exclusions (no PID 1 view): the first one chooses. */
        struct app_search t = { .program = "app" };
        app_search_consider(&t, 5, "app", 1, "/host/path/app");
        assert_int_equal(t.pid, 5);
        /* Host paths (no cgroup namespace): a cgroup above ours is not the app's. */
        struct app_search u = { .program = "app", .exclude = { "/pod/ours", "/pod/pause" } };
        app_search_consider(&u, 6, "app", 1, "/pod");
        assert_int_equal(u.pid, 0);
        app_search_consider(&u, 7, "app", 2, "/pod/app");
        assert_int_equal(u.pid, 7);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_canonical),
                cmocka_unit_test(test_within),
                cmocka_unit_test(test_program),
                cmocka_unit_test(test_search),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
