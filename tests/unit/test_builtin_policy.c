/* Sidecar mode's built-in policy and the confinement of any policy to the
 * container (policy/builtin_policy.h). */
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>

#include "policy/builtin_policy.h"
#include "policy/cgroup_match.h"

static void test_builtin_loads(void **state) {
        (void)state;
        struct policy p;
        struct config_errors e = { 0 };
        assert_int_equal(builtin_policy_load("/", false, &p, &e), 0);
        assert_int_equal(e.n, 0);
        assert_false(p.has_global); /* never machine-wide */
        assert_int_equal(p.n_adjust, 0);
        assert_int_equal(p.n_cgroups, 1);
        const struct rule *r = &p.cgroups[0];
        assert_string_equal(r->path_glob, "/");
        assert_int_equal(r->action, ACTION_KILL);
        assert_true(r->supervisor_first);
        assert_true(r->reclaim_first);
        assert_false(r->oom_handler);                   /* oomguard is in the cgroup: refused there */
        assert_int_equal(r->tripwire.kind, SIZE_UNSET); /* v1 */
        assert_int_equal(r->th.usage_above.kind, SIZE_PERCENT);
        assert_true(r->th.usage_above.percent == 90);
        assert_int_equal(p.n_supervisors, 1);
        assert_int_equal(p.supervisors[0].restart_action, RESTART_STOP);
        assert_int_equal(p.supervisors[0].max_restarts, 5);
        assert_string_equal(p.source_file, BUILTIN_POLICY_NAME);
        assert_int_equal(e.n_warnings, 0);
        policy_free(&p);
        assert_int_equal(builtin_policy_load("/", true, &p, &e), 0);
        assert_int_equal(e.n_warnings, 0);
        assert_int_equal(p.cgroups[0].tripwire.kind, SIZE_PERCENT); /* v2: memory.high at 98 % */
        policy_free(&p);
        config_errors_free(&e);
}

/* The app beside a sidecar, seen from our cgroup namespace: its
 * processes are the supervisor rule's by their literal view; a view
 * that needed escaping gets no supervisor rule (it could not match). */
static void test_builtin_app_view(void **state) {
        (void)state;
        struct policy p;
        struct config_errors e = { 0 };
        assert_int_equal(builtin_policy_load("/../app", true, &p, &e), 0);
        assert_int_equal(p.n_supervisors, 1);
        struct proc_facts app = { .comm = "sh", .cgroup = "/../app/worker" };
        struct proc_facts pause = { .comm = "sh", .cgroup = "/../pause" };
        assert_true(matcher_list_match(&p.supervisors[0].match, &app));
        assert_false(matcher_list_match(&p.supervisors[0].match, &pause));
        policy_free(&p);
        static const char *const no_rule[] = { "/../a[1]", "/..", "/../.." };
        for (size_t i = 0; i < sizeof(no_rule) / sizeof(no_rule[0]); i++) {
                assert_int_equal(builtin_policy_load(no_rule[i], true, &p, &e), 0);
                assert_int_equal(p.n_supervisors, 0);
                assert_int_equal(p.n_cgroups, 1);
                policy_free(&p);
        }
        config_errors_free(&e);
}

static void test_builtin_text(void **state) {
        (void)state;
        char buf[4096];
        /* runc without a cgroup namespace: the host's path, glob characters escaped. */
        assert_int_equal(builtin_policy_text("/k/pod[1]*", false, buf, sizeof(buf)), 0);
        assert_non_null(strstr(buf, "match = cgroup:/k/pod\\[1\\]\\*\n"));
        assert_null(strstr(buf, "[global]"));
        assert_int_equal(builtin_policy_text("/a;b", false, buf, sizeof(buf)), -EINVAL);
        assert_int_equal(builtin_policy_text("/a#b", false, buf, sizeof(buf)), -EINVAL);
        assert_int_equal(builtin_policy_text("/a\nb", false, buf, sizeof(buf)), -EINVAL);
        assert_int_equal(builtin_policy_text("rel", false, buf, sizeof(buf)), -EINVAL);
        assert_int_equal(builtin_policy_text("/", false, buf, 64), -ENOBUFS);
        /* The escaped path matches itself, and only itself. */
        struct policy p;
        struct config_errors e = { 0 };
        assert_int_equal(builtin_policy_load("/k/pod[1]*", false, &p, &e), 0);
        struct proc_facts self = { .comm = "sh", .cgroup = "/k/pod[1]*" };
        struct proc_facts other = { .comm = "sh", .cgroup = "/k/pod1x" };
        assert_true(matcher_list_match(&p.supervisors[0].match, &self));
        assert_false(matcher_list_match(&p.supervisors[0].match, &other));
        policy_free(&p);
        config_errors_free(&e);
        /* With a cgroup namespace our cgroup is "/": a process of another
         * container shows as "/../other.scope" and is never ours. */
        assert_int_equal(builtin_policy_load("/", false, &p, &e), 0);
        struct proc_facts inside = { .comm = "sh", .cgroup = "/app" };
        struct proc_facts neighbour = { .comm = "sh", .cgroup = "/../other.scope" };
        assert_true(matcher_list_match(&p.supervisors[0].match, &inside));
        assert_false(matcher_list_match(&p.supervisors[0].match, &neighbour));
        policy_free(&p);
        config_errors_free(&e);
}

struct glob_case {
        const char *own, *glob, *out;
};

static void test_confine_glob(void **state) {
        (void)state;
        static const struct glob_case cases[] = {
                { "/", "/", "/" }, /* a container: the mount root is ours */
                { "/", "/**", "/**" },
                { "/c1", "/", "/c1" },      /* our cgroup itself */
                { "/c1", "/**", "/c1/**" }, /* below it */
                { "/c1", "/web/*", "/c1/web/*" },
                { "/a*b", "/x", "/a\\*b/x" }, /* our path matches itself only */
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char out[256];
                assert_int_equal(confine_glob(cases[i].own, cases[i].glob, out, sizeof(out)), 0);
                assert_string_equal(out, cases[i].out);
        }
        char small[4];
        assert_int_equal(confine_glob("/abcdef", "/", small, sizeof(small)), -ENAMETOOLONG);
        assert_true(cgroup_glob_match("/a\\*b/x", "/a*b/x"));
        assert_false(cgroup_glob_match("/a\\*b/x", "/aZb/x"));
}

static void test_confine_policy(void **state) {
        (void)state;
        static const char text[] =
                "[global]\nmem_available_below = 5%\naction = kill\n"
                "[cgroup:web]\npath = /web/*\nusage_above = 90%\naction = kill\n"
                "[cgroup:all]\npath = /**\nusage_above = 99%\naction = warn\n"
                "[adjust:x]\nmatch = comm:^x$\noom_score_adj = 500\n";
        FILE *f = fmemopen((void *)text, strlen(text), "r");
        struct policy p;
        struct config_errors e = { 0 };
        assert_int_equal(config_load_stream(f, "t.conf", &p, &e), 0);
        fclose(f);
        struct confine_result c;
        assert_int_equal(sidecar_confine(&p, "/pod/c1", &c), 0);
        assert_true(c.dropped_global);
        assert_int_equal(c.global_line, 1);
        assert_false(p.has_global);
        assert_int_equal(c.dropped_adjust, 1);
        assert_int_equal(p.n_adjust, 0);
        assert_int_equal(c.prefixed, 2);
        assert_string_equal(p.cgroups[0].path_glob, "/pod/c1/web/*");
        assert_string_equal(p.cgroups[1].path_glob, "/pod/c1/**");
        /* In a container (our cgroup is the mount's root) paths stay. */
        assert_int_equal(sidecar_confine(&p, "/", &c), 0);
        assert_int_equal(c.prefixed, 0);
        assert_false(c.dropped_global);
        policy_free(&p);
        config_errors_free(&e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_builtin_loads),    cmocka_unit_test(test_builtin_text),
                cmocka_unit_test(test_builtin_app_view), cmocka_unit_test(test_confine_glob),
                cmocka_unit_test(test_confine_policy),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
