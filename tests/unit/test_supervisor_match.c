/* Which [supervisor:] rule names a process, on a fixture /proc: matcher
 * lines with several terms, exe terms, and a line of cgroup globs only
 * (the old "cgroup = GLOB" key) naming only processes with children. */
#include "testing.h"

#include <stdio.h>
#include <unistd.h>

#include "../fixtures/sources/tree.h"
#include "policy/config.h"
#include "policy/supervisor_match.h"
#include "util.h"

static char *root;

/* pid, child of ppid, in cgroup (v2 "0::" line), with children (a list
 * such as "31 " or ""), its executable a symlink to exe (NULL: none). */
static void proc(pid_t pid, pid_t ppid, const char *comm, const char *cgroup, const char *children, const char *exe) {
        char rel[64], text[512];
        snprintf(rel, sizeof(rel), "/proc/%d/stat", (int)pid);
        snprintf(text, sizeof(text), "%d (%s) S %d %d %d 0 -1 0 10 0 0 0 5 3 0 0 20 0 1 0 %d 104857600 100 0\n",
                 (int)pid, comm, (int)ppid, (int)pid, (int)pid, 1000 + (int)pid);
        tree_write(root, rel, text);
        snprintf(rel, sizeof(rel), "/proc/%d/status", (int)pid);
        snprintf(text, sizeof(text), "Name:\t%s\nUid:\t0\t0\t0\t0\nNSpid:\t%d\nVmRSS:\t400 kB\n", comm, (int)pid);
        tree_write(root, rel, text);
        snprintf(rel, sizeof(rel), "/proc/%d/cgroup", (int)pid);
        snprintf(text, sizeof(text), "0::%s\n", cgroup);
        tree_write(root, rel, text);
        snprintf(rel, sizeof(rel), "/proc/%d/cmdline", (int)pid);
        tree_write(root, rel, comm);
        snprintf(rel, sizeof(rel), "/proc/%d/task/%d/children", (int)pid, (int)pid);
        tree_write(root, rel, children);
        if (exe) {
                char path[PATH_MAX];
                snprintf(rel, sizeof(rel), "/proc/%d/exe", (int)pid);
                tree_path(path, sizeof(path), root, rel);
                assert_int_equal(symlink(exe, path), 0);
        }
}

static int setup(void **state) {
        root = tree_new();
        proc(30, 1, "sh", "/batch/j", "31 ", "/usr/bin/dash");
        proc(31, 30, "hog", "/batch/j", "", "/usr/lib/hog (deleted)");
        proc(40, 1, "lonely", "/batch/k", "", NULL);
        return 0;
}

static int teardown(void **state) {
        tree_rm(root);
        free(root);
        return 0;
}

static void load(const char *text, struct policy *p) {
        struct config_errors e = { 0 };
        FILE *f = fmemopen((void *)text, strlen(text), "r");
        assert_non_null(f);
        int r = config_load_stream(f, "t.conf", p, &e);
        fclose(f);
        config_errors_free(&e);
        assert_int_equal(r, 0);
}

/* The name of the rule that names pid, or "-". */
static const char *named(const struct policy *p, pid_t pid) {
        struct supervisor_query q = { .root = root, .rules = p->supervisors, .n_rules = p->n_supervisors };
        const struct supervisor_rule *r = supervisor_rule_match(&q, pid, NULL);
        return r ? r->name : "-";
}

#define RULE "[cgroup:w]\npath = /batch/*\nusage_above = 90%\n"

static void test_cgroup_only_needs_children(void **state) {
        /* the old key and the new line alike: the shell, not its child */
        static const char *const texts[] = {
                RULE "[supervisor:old]\ncgroup = /batch/*\n",
                RULE "[supervisor:new]\nmatch = cgroup:/batch/*\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
                struct policy p;
                load(texts[i], &p);
                assert_string_equal(named(&p, 30), p.supervisors[0].name);
                assert_string_equal(named(&p, 31), "-");
                assert_string_equal(named(&p, 40), "-");
                policy_free(&p);
        }
        /* a line of the old cgroup regex alone named every process there,
         * children or not, and still does */
        struct policy p;
        load(RULE "[supervisor:re]\nmatch = cgroup:^/batch/\n", &p);
        assert_string_equal(named(&p, 30), "re");
        assert_string_equal(named(&p, 31), "re");
        assert_string_equal(named(&p, 40), "re");
        policy_free(&p);
}

static void test_terms(void **state) {
        struct policy p;
        load(RULE
             "[supervisor:hog]\nmatch = ^hog$ && cgroup:/batch/*\n"
             "[supervisor:exe]\nmatch = exe:/usr/bin/dash && user:0\n"
             "[supervisor:elsewhere]\nmatch = ^lonely$ && cgroup:/web/*\n",
             &p);
        assert_string_equal(named(&p, 31), "hog"); /* a name term: no children needed */
        assert_string_equal(named(&p, 30), "exe");
        assert_string_equal(named(&p, 40), "-"); /* its cgroup term does not match */
        policy_free(&p);
        /* " (deleted)" is cut; a process without exe never matches exe: */
        load(RULE "[supervisor:s]\nmatch = exe:/usr/lib/hog\nmatch = exe:/*\n", &p);
        assert_string_equal(named(&p, 31), "s");
        assert_string_equal(named(&p, 40), "-");
        policy_free(&p);
}

static void test_supervisor_of(void **state) {
        struct policy p;
        load(RULE "[supervisor:sh]\nmatch = comm:^sh$ && exe:/usr/bin/*\n", &p);
        struct supervisor_query q = { .root = root, .rules = p.supervisors, .n_rules = p.n_supervisors };
        pid_t pid = 0;
        uint64_t start = 0;
        const struct supervisor_rule *r = NULL;
        assert_int_equal(supervisor_of(&q, 31, &pid, &start, &r), 0);
        assert_int_equal(pid, 30);
        assert_int_equal(start, 1030);
        assert_string_equal(r->name, "sh");
        policy_free(&p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cgroup_only_needs_children),
                cmocka_unit_test(test_terms),
                cmocka_unit_test(test_supervisor_of),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
