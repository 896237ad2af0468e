/* [adjust:] rules: matching on struct literals of facts (first match wins,
 * AND of selectors), shadowing, the track table, and the adjuster on a
 * real child process (raise, re-apply at exec, enforce). */
#include "testing.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "actions/adjust_internal.h"
#include "policy/config.h"

static void load(const char *text, struct policy *p) {
        struct config_errors e = { 0 };
        FILE *f = fmemopen((void *)text, strlen(text), "r");
        assert_non_null(f);
        int r = config_load_stream(f, "t.conf", p, &e);
        config_errors_print(&e, stderr);
        config_errors_free(&e);
        fclose(f);
        assert_int_equal(r, 0);
}

static const char rules[] =
        "[adjust:db]\nmatch = comm:^(postgres|mysqld)$ && user:root\noom_score_adj = -500\n"
        "[adjust:workers]\nmatch = cmdline:--type=renderer\noom_score_adj = 800\n"
        "[adjust:tools]\nmatch = exe:/usr/lib/*/bin/tool\noom_score_adj = 100\n"
        "[adjust:plain]\nmatch = exe:/usr/bin/[x]\noom_score_adj = 150\n"
        "[adjust:batch]\nmatch = cgroup:/batch/*\noom_score_adj = 900\nenforce = yes\n"
        "[adjust:any-postgres]\nmatch = ^postgres$\noom_score_adj = 200\n"
        "[adjust:either]\nmatch = ^a$ && user:1\nmatch = ^b$\noom_score_adj = 300\n";

static int match(const struct policy *p, struct adjust_facts f) {
        return adjust_first_match(p->adjust, p->n_adjust, &f);
}

static void test_match(void **state) {
        struct policy p;
        load(rules, &p);
        assert_int_equal(adjust_rules_needs(p.adjust, p.n_adjust),
                         ADJUST_NEED_CMDLINE | ADJUST_NEED_EXE | ADJUST_NEED_CGROUP | ADJUST_NEED_UID);
        /* AND: comm and user both; without the uid read, db does not match */
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "postgres", .uid = 0, .has_uid = true }), 0);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "postgres", .uid = 70, .has_uid = true }), 5);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "postgres" }), 5);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "mysqld", .uid = 0, .has_uid = true }), 0);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "postgresql", .uid = 0, .has_uid = true }), -1);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "chrome", .cmdline = "chrome --type=renderer --x" }),
                         1);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "chrome", .cmdline = "chrome" }), -1);
        /* exe: glob with FNM_PATHNAME, a plain path matches itself even with [ ] */
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "t", .exe = "/usr/lib/a/bin/tool" }), 2);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "t", .exe = "/usr/lib/a/b/bin/tool" }), -1);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "t", .exe = "/usr/bin/[x]" }), 3);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "t", .exe = "/usr/bin/x" }), 3);
        /* cgroup: '*' stays within one level */
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "job", .cgroup = "/batch/j1" }), 4);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "job", .cgroup = "/batch/j1/sub" }), -1);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "job", .cgroup = "/batch" }), -1);
        /* first match wins: a renderer in /batch is a worker */
        assert_int_equal(
                match(&p, (struct adjust_facts){ .comm = "c", .cmdline = "--type=renderer", .cgroup = "/batch/x" }), 1);
        /* nothing read, nothing matched */
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = NULL }), -1);
        /* match lines: any of them (OR), the terms of one all (AND) */
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "a", .uid = 1, .has_uid = true }), 6);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "a", .uid = 2, .has_uid = true }), -1);
        assert_int_equal(match(&p, (struct adjust_facts){ .comm = "b", .uid = 2, .has_uid = true }), 6);
        policy_free(&p);
}

static void test_shadows(void **state) {
        struct policy p;
        load("[adjust:a]\nmatch = ^x$\noom_score_adj = 1\n"
             "[adjust:b]\nmatch = user:0 && comm:^x$\noom_score_adj = 2\n"
             "[adjust:c]\nmatch = user:root\noom_score_adj = 3\n"
             "[adjust:d]\nmatch = user:0 && cgroup:/a\noom_score_adj = 4\n"
             "[adjust:e]\nmatch = comm:^y$ && cgroup:/a\noom_score_adj = 5\n"
             "[adjust:f]\nmatch = comm:^x$ && cgroup:/a\nmatch = ^z$\noom_score_adj = 6\n"
             "[adjust:g]\nmatch = ^z$\nmatch = ^y$\noom_score_adj = 7\n",
             &p);
        const struct adjust_rule *r = p.adjust;
        assert_true(adjust_rule_shadows(&r[0], &r[1])); /* b narrower than a */
        assert_false(adjust_rule_shadows(&r[1], &r[0]));
        assert_true(adjust_rule_shadows(&r[2], &r[3]));  /* "root" is uid 0 */
        assert_false(adjust_rule_shadows(&r[0], &r[4])); /* other comm */
        assert_false(adjust_rule_shadows(&r[3], &r[4])); /* e has no user */
        assert_true(adjust_rule_shadows(&r[4], &r[4]));
        /* several lines: each line of the later one must be covered */
        assert_false(adjust_rule_shadows(&r[0], &r[5])); /* ^z$ is not */
        assert_true(adjust_rule_shadows(&r[6], &r[4]));  /* by its line ^y$ */
        assert_false(adjust_rule_shadows(&r[6], &r[5]));
        policy_free(&p);
}

static void test_shadow_warning(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        static const char text[] =
                "[adjust:a]\nmatch = ^x$\noom_score_adj = 1\n\n"
                "[adjust:b]\nmatch = comm:^x$\noom_score_adj = 2\n"
                "[adjust:c]\nmatch = ^x$ && user:0\nenforce = yes\noom_score_adj = 2\n";
        FILE *f = fmemopen((void *)text, strlen(text), "r");
        assert_int_equal(config_load_stream(f, "t.conf", &p, &e), 0); /* a warning, not an error */
        fclose(f);
        assert_int_equal(e.n, 0);
        assert_int_equal(e.n_warnings, 2);
        assert_string_equal(e.warnings[0], "t.conf:5: [adjust:b]: never applies: shadowed by [adjust:a] (line 1)");
        assert_string_equal(e.warnings[1], "t.conf:8: [adjust:c]: never applies: shadowed by [adjust:a] (line 1)");
        config_errors_free(&e);
        policy_free(&p);
}

/* Many pids into a small table: every kept one is found after removals
 * (backward-shift deletion keeps probe chains whole), swept ones go. */
static void test_track_table(void **state) {
        struct policy p;
        struct adjuster a;
        load("[adjust:a]\nmatch = x\noom_score_adj = 1\n", &p);
        assert_int_equal(adjuster_init(&a, &p, "/", NULL, 1, true), 0);
        size_t limit = a.track_cap / 4 * 3;
        for (pid_t pid = 2; pid < (pid_t)limit + 2; pid++)
                assert_non_null(adjust_track_add(&a, pid * 7919 % 300007, (uint64_t)pid, 0));
        assert_null(adjust_track_add(&a, 999999, 1, 0)); /* full: refused, counted */
        assert_int_equal(a.n_overflow, 1);
        for (pid_t pid = 2; pid < (pid_t)limit + 2; pid += 2)
                adjust_track_remove(&a, pid * 7919 % 300007);
        for (pid_t pid = 2; pid < (pid_t)limit + 2; pid++) {
                struct adjust_track_entry *e = adjust_track_find(&a, pid * 7919 % 300007, (uint64_t)pid);
                assert_true(pid % 2 ? e != NULL : e == NULL);
        }
        assert_null(adjust_track_find(&a, 3 * 7919 % 300007, 4)); /* pid reused: other start time */
        a.gen++;
        for (pid_t pid = 3; pid < (pid_t)limit + 2; pid += 4)
                adjust_track_find(&a, pid * 7919 % 300007, (uint64_t)pid)->gen = a.gen;
        adjust_track_sweep(&a);
        for (pid_t pid = 2; pid < (pid_t)limit + 2; pid++) {
                bool kept = pid % 4 == 3;
                assert_true((adjust_track_find(&a, pid * 7919 % 300007, (uint64_t)pid) != NULL) == kept);
        }
        adjuster_free(&a);
        policy_free(&p);
}

static int read_adj(pid_t pid) {
        char path[64];
        int v = -9999;
        snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
        FILE *f = fopen(path, "r");
        if (f) {
                if (fscanf(f, "%d", &v) != 1)
                        v = -9999;
                fclose(f);
        }
        return v;
}

static int write_adj(pid_t pid, int v) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
        FILE *f = fopen(path, "w");
        if (!f)
                return -errno;
        fprintf(f, "%d", v);
        return fclose(f) == 0 ? 0 : -errno;
}

/* A child named og-unit-child: raised by a rescan, left alone by the next
 * (enforce = no), restored by the enforce pass after it is changed. */
static pid_t spawn_child(int pipefd[2]) {
        assert_int_equal(pipe(pipefd), 0);
        pid_t pid = fork();
        if (pid == 0) {
                prctl(PR_SET_NAME, "og-unit-child");
                if (write(pipefd[1], "r", 1) != 1)
                        _exit(1);
                for (;;)
                        pause(); /* until SIGKILL */
        }
        char c;
        assert_int_equal(read(pipefd[0], &c, 1), 1);
        return pid;
}

static void check_live(const char *conf, int base, int want, int moved, int after) {
        struct policy p;
        struct adjuster a;
        int fds[2];
        load(conf, &p);
        pid_t child = spawn_child(fds);
        if (write_adj(child, base + 1) < 0 || write_adj(child, base) < 0) {
                kill(child, SIGKILL);
                waitpid(child, NULL, 0);
                policy_free(&p);
                skip(); /* below this process's oom_score_adj_min */
        }
        assert_int_equal(adjuster_init(&a, &p, "/", NULL, getpid(), false), 0);
        adjust_rescan(&a);
        assert_int_equal(read_adj(child), want);
        assert_int_equal(write_adj(child, moved), 0);
        adjust_enforce_tick(&a, now_ns()); /* enforce = yes: the kept fd */
        assert_int_equal(read_adj(child), after);
        adjust_rescan(&a);
        assert_int_equal(read_adj(child), after);
        /* an exec (here: a synthetic event) makes it new to the rule again */
        adjust_on_event(&a, &(struct pc_event){ .kind = PC_EXEC, .pid = child, .tgid = child });
        adjust_flush(&a);
        assert_int_equal(read_adj(child), want);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        adjust_rescan(&a); /* sweeps it, closes the watch fd */
        assert_int_equal(a.n_track, 0);
        assert_int_equal(a.n_watch, 0);
        adjuster_free(&a);
        policy_free(&p);
        close(fds[0]);
        close(fds[1]);
}

static void test_live_once(void **state) {
        check_live("[adjust:c]\nmatch = ^og-unit-child$\noom_score_adj = 700\n", 0, 700, 650, 650);
}

static void test_live_enforce(void **state) {
        check_live("[adjust:c]\nmatch = ^og-unit-child$\noom_score_adj = 700\nenforce = yes\n", 0, 700, 650, 700);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_match),          cmocka_unit_test(test_shadows),
                cmocka_unit_test(test_shadow_warning), cmocka_unit_test(test_track_table),
                cmocka_unit_test(test_live_once),      cmocka_unit_test(test_live_enforce),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
