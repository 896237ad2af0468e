/* Cgroup path globs (policy/cgroup_match.h): fnmatch with FNM_PATHNAME,
 * and "**" for any number of components. */
#include "testing.h"

#include "policy/cgroup_match.h"
#include "policy/matcher.h"
#include "util.h"

struct glob_case {
        const char *glob, *path;
        bool match;
};

static void test_globs(void **state) {
        static const struct glob_case cases[] = {
                /* Without "**": exactly fnmatch(FNM_PATHNAME), as before. */
                { "/docker/*", "/docker/abc", true },
                { "/docker/*", "/docker/abc/def", false },
                { "/system.slice/*.service", "/system.slice/nginx.service", true },
                { "/a", "/a", true },
                /* "**" at the end: one or more components below. */
                { "/**", "/a", true },
                { "/**", "/a/b/c", true },
                { "/**", "/", false }, /* never the hierarchy's root */
                { "/kubepods/**", "/kubepods", false },
                { "/kubepods/**", "/kubepods/burstable/pod1/c1", true },
                { "/kubepods/**", "/other/x", false },
                /* "**" inside: zero or more components. */
                { "/**/web", "/web", true },
                { "/**/web", "/a/b/web", true },
                { "/**/web", "/a/b/web/x", false },
                { "/a/**/c*", "/a/c1", true },
                { "/a/**/c*", "/a/x/y/cz", true },
                { "/a/**/c*", "/b/x/cz", false },
                { "/**/pod*/**", "/kubepods/pod7/c", true },
                { "/**/pod*/**", "/kubepods/pod7", false },
                /* "**" only as a whole component; "a**" is fnmatch's "*". */
                { "/a**", "/abc", true },
                { "/a**", "/abc/d", false },
                { "/**", "relative", false },
                /* A plain path matches itself, even when it holds a [. */
                { "/a[1]", "/a[1]", true },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                if (cgroup_glob_match(cases[i].glob, cases[i].path) != cases[i].match)
                        fail_msg("%s against %s: want %s", cases[i].glob, cases[i].path,
                                 cases[i].match ? "a match" : "no match");
}

/* A process of another cgroup namespace ("/../app" from ours) matches
 * a literal view of that form and what is below it by plain names, as
 * the sidecar's built-in [supervisor:container] rule names the app
 * beside it; no other matcher, glob or not, matches it. */
static bool cgroup_matches(const char *matcher, const char *cgroup) {
        struct matcher m;
        char msg[256];
        assert_int_equal(matcher_parse(matcher, &m, msg, sizeof(msg)), 0);
        struct proc_facts f = { .comm = "sh", .cgroup = cgroup };
        bool r = matcher_match(&m, &f);
        matcher_free(&m);
        return r;
}

static void test_views_of_another_namespace(void **state) {
        (void)state;
        assert_true(cgroup_matches("cgroup:/../app", "/../app"));
        assert_true(cgroup_matches("cgroup:/../app", "/../app/worker"));
        assert_false(cgroup_matches("cgroup:/../app", "/../app2"));
        assert_false(cgroup_matches("cgroup:/../app", "/../pause"));
        assert_false(cgroup_matches("cgroup:/../app", "/../app/../pause"));
        assert_false(cgroup_matches("cgroup:/../app", "/app"));
        assert_false(cgroup_matches("cgroup:/", "/../app")); /* our root holds nothing above it */
        assert_false(cgroup_matches("cgroup:/**", "/../app"));
        assert_true(cgroup_matches("cgroup:/app", "/app/x")); /* plain views as before */
}

/* Such a path is refused where the kernel never shows one: a name before
 * a "..", a ".", a glob, or only ".." (every sibling at once). */
static void test_out_of_namespace_paths_refused(void **state) {
        (void)state;
        static const char *const bad[] = { "cgroup:/..",   "cgroup:/../..",     "cgroup:/a/../b", "cgroup:/./x",
                                           "cgroup:/../*", "cgroup:/../app/..", "cgroup:/../a?",  "cgroup:/../app/." };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct matcher m;
                char msg[256] = "";
                assert_int_equal(matcher_parse(bad[i], &m, msg, sizeof(msg)), -EINVAL);
                assert_non_null(strstr(msg, "another cgroup namespace's view"));
        }
        struct matcher m;
        char msg[256];
        assert_int_equal(matcher_parse("cgroup:/../../kubepods/pod1/c2", &m, msg, sizeof(msg)), 0);
        matcher_free(&m);
        assert_int_equal(matcher_parse("cgroup:/..x/y", &m, msg, sizeof(msg)), 0); /* "..x" is a name */
        matcher_free(&m);
}

static void test_first_rule_wins(void **state) {
        struct rule rules[] = { { .name = "pods", .path_glob = "/kubepods/**" },
                                { .name = "all", .path_glob = "/**" } };
        struct policy p = { .cgroups = rules, .n_cgroups = ELEMENTSOF(rules) };
        assert_int_equal(policy_match_cgroup(&p, "/kubepods/pod1"), 0);
        assert_int_equal(policy_match_cgroup(&p, "/system.slice/x.service"), 1);
        assert_int_equal(policy_match_cgroup(&p, "/"), -1);
}

/* Consecutive globstars are one: matching a deep path against many of
 * them must not take exponential time (6 of them over 40 levels: seconds). */
static void test_many_globstars(void **state) {
        char glob[256] = "", path[512] = "";
        for (int i = 0; i < 6; i++)
                strcat(glob, "/**");
        strcat(glob, "/x");
        for (int i = 0; i < 40; i++)
                strcat(path, "/a");
        uint64_t t0 = now_ns();
        assert_false(cgroup_glob_match(glob, path));
        strcat(path, "/x");
        assert_true(cgroup_glob_match(glob, path));
        assert_true(now_ns() - t0 < NSEC_PER_SEC);
        assert_true(cgroup_glob_match("/**/**", "/a"));
        assert_false(cgroup_glob_match("/a/**/**", "/a"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_many_globstars),
                cmocka_unit_test(test_globs),
                cmocka_unit_test(test_first_rule_wins),
                cmocka_unit_test(test_views_of_another_namespace),
                cmocka_unit_test(test_out_of_namespace_paths_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
