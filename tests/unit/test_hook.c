/* The pure parts of the hooks: the guard → runner message (encode,
 * check), a hook's environment, and the [daemon] hook / hook_timeout keys
 * with the checks of the program's path. */
#include "testing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/hook.h"
#include "outputs/hook_msg.h"
#include "policy/config.h"
#include "policy/config_internal.h"
#include "policy/policy.h"
#include "util.h"

static struct report rep;

static const struct report *full_report(void) {
        memset(&rep, 0, sizeof(rep));
        rep.kind = REPORT_ACTION;
        snprintf(rep.id, sizeof(rep.id), "20261201T102233.123Z-4711-7");
        snprintf(rep.rule, sizeof(rep.rule), "web");
        snprintf(rep.action, sizeof(rep.action), "kill");
        snprintf(rep.reason, sizeof(rep.reason), "working set 95%% >= 90%%");
        snprintf(rep.outcome, sizeof(rep.outcome), "killed");
        rep.cgroup.has = true;
        snprintf(rep.cgroup.path, sizeof(rep.cgroup.path), "/system.slice/docker-abc.scope");
        rep.victim.has = true;
        rep.victim.pid = 4242;
        snprintf(rep.victim.comm, sizeof(rep.victim.comm), "java");
        snprintf(rep.identity.runtime, sizeof(rep.identity.runtime), "docker");
        snprintf(rep.identity.container_id, sizeof(rep.identity.container_id), "abc");
        snprintf(rep.identity.pod_uid, sizeof(rep.identity.pod_uid), "1234-abcd");
        snprintf(rep.identity.qos, sizeof(rep.identity.qos), "burstable");
        return &rep;
}

static void test_event_roundtrip(void **state) {
        struct hook_msg m;
        hook_msg_event(&m, full_report(), "/var/lib/oomguard/reports/x.json");
        assert_int_equal(hook_msg_check(&m, sizeof(m)), 0);
        assert_int_equal(m.type, HOOK_MSG_EVENT);
        const struct hook_event *e = &m.event;
        assert_int_equal(e->kind, REPORT_ACTION);
        assert_string_equal(e->id, rep.id);
        assert_string_equal(e->report, "/var/lib/oomguard/reports/x.json");
        assert_string_equal(e->rule, "web");
        assert_string_equal(e->action, "kill");
        assert_string_equal(e->reason, "working set 95% >= 90%");
        assert_string_equal(e->outcome, "killed");
        assert_string_equal(e->cgroup, "/system.slice/docker-abc.scope");
        assert_int_equal(e->victim_pid, 4242);
        assert_string_equal(e->victim_comm, "java");
        assert_string_equal(e->identity.runtime, "docker");
        assert_string_equal(e->identity.container_id, "abc");
        assert_string_equal(e->identity.pod_uid, "1234-abcd");
        assert_string_equal(e->identity.qos, "burstable");
}

static void test_event_unknowns(void **state) {
        struct hook_msg m;
        /* No report file, no victim, the machine: "" and 0. */
        full_report();
        rep.victim.has = false;
        rep.cgroup.has = false;
        hook_msg_event(&m, &rep, NULL);
        assert_int_equal(hook_msg_check(&m, sizeof(m)), 0);
        assert_string_equal(m.event.report, "");
        assert_string_equal(m.event.cgroup, "");
        assert_int_equal(m.event.victim_pid, 0);
        assert_string_equal(m.event.victim_comm, "");
        /* A kernel kill's cgroup, when the report read none: the kernel's. */
        rep.kind = REPORT_KERNEL_OOM_KILL;
        rep.rule[0] = '\0';
        snprintf(rep.kernel.task_memcg, sizeof(rep.kernel.task_memcg), "/batch/job1");
        hook_msg_event(&m, &rep, "");
        assert_string_equal(m.event.cgroup, "/batch/job1");
        assert_string_equal(m.event.rule, "");
        /* A path too long for its field is dropped, never cut; a reason is cut. */
        char longpath[HOOK_PATH_MAX + 10];
        memset(longpath, 'a', sizeof(longpath) - 1);
        longpath[0] = '/';
        longpath[sizeof(longpath) - 1] = '\0';
        memset(rep.reason, 'r', sizeof(rep.reason) - 1);
        rep.reason[sizeof(rep.reason) - 1] = 'R'; /* not even terminated */
        hook_msg_event(&m, &rep, longpath);
        assert_int_equal(hook_msg_check(&m, sizeof(m)), 0);
        assert_string_equal(m.event.report, "");
        assert_int_equal(strlen(m.event.reason), sizeof(m.event.reason) - 1);
}

static void test_check_refuses(void **state) {
        struct hook_msg m, bad;
        hook_msg_event(&m, full_report(), "/r");
        assert_int_equal(hook_msg_check(&m, sizeof(m) - 1), -EBADMSG);
        assert_int_equal(hook_msg_check(&m, sizeof(m) + 1), -EBADMSG);
        bad = m;
        bad.magic ^= 1;
        assert_int_equal(hook_msg_check(&bad, sizeof(bad)), -EBADMSG);
        bad = m;
        bad.type = 99;
        assert_int_equal(hook_msg_check(&bad, sizeof(bad)), -EBADMSG);
        bad = m;
        bad.event.kind = REPORT_WARNING + 1;
        assert_int_equal(hook_msg_check(&bad, sizeof(bad)), -EBADMSG);
        bad = m;
        bad.event.victim_pid = -1;
        assert_int_equal(hook_msg_check(&bad, sizeof(bad)), -EBADMSG);
        /* Every string must end inside its field. */
        char *fields[] = { bad.event.id, bad.event.report, bad.event.rule, bad.event.cgroup, bad.event.identity.qos };
        size_t sizes[] = { sizeof(bad.event.id), sizeof(bad.event.report), sizeof(bad.event.rule),
                           sizeof(bad.event.cgroup), sizeof(bad.event.identity.qos) };
        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                bad = m;
                memset(fields[i], 'x', sizes[i]);
                assert_int_equal(hook_msg_check(&bad, sizeof(bad)), -EBADMSG);
        }
        hook_msg_config(&m, "/usr/local/sbin/h", 10 * NSEC_PER_SEC, true, false);
        assert_int_equal(hook_msg_check(&m, sizeof(m)), 0);
        assert_string_equal(m.config.path, "/usr/local/sbin/h");
        assert_true(m.config.journal);
        hook_msg_config(&m, "relative", 10 * NSEC_PER_SEC, false, false);
        assert_int_equal(hook_msg_check(&m, sizeof(m)), -EBADMSG);
        hook_msg_config(&m, "/h", 0, false, false);
        assert_int_equal(hook_msg_check(&m, sizeof(m)), -EBADMSG);
}

static const char *env_get(const struct hook_env *env, const char *name) {
        size_t n = strlen(name);
        for (char *const *e = env->envp; *e; e++)
                if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
                        return *e + n + 1;
        return NULL;
}

static void test_env(void **state) {
        struct hook_msg m;
        static struct hook_env env;
        hook_msg_event(&m, full_report(), "/var/lib/oomguard/reports/x.json");
        assert_int_equal(hook_env_build(&env, &m.event, 3), 0);
        const char *want[][2] = {
                { "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
                { "OOMGUARD_EVENT", "action" },
                { "OOMGUARD_ID", "20261201T102233.123Z-4711-7" },
                { "OOMGUARD_REPORT", "/var/lib/oomguard/reports/x.json" },
                { "OOMGUARD_RULE", "web" },
                { "OOMGUARD_ACTION", "kill" },
                { "OOMGUARD_REASON", "working set 95% >= 90%" },
                { "OOMGUARD_OUTCOME", "killed" },
                { "OOMGUARD_CGROUP", "/system.slice/docker-abc.scope" },
                { "OOMGUARD_VICTIM_PID", "4242" },
                { "OOMGUARD_VICTIM_COMM", "java" },
                { "OOMGUARD_CONTAINER_RUNTIME", "docker" },
                { "OOMGUARD_CONTAINER_ID", "abc" },
                { "OOMGUARD_POD_UID", "1234-abcd" },
                { "OOMGUARD_POD_QOS", "burstable" },
                { "OOMGUARD_EVENTS_MISSED", "3" },
        };
        size_t n = 0;
        while (env.envp[n])
                n++;
        assert_int_equal(n, ELEMENTSOF(want)); /* nothing else */
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                const char *v = env_get(&env, want[i][0]);
                if (!v || strcmp(v, want[i][1]) != 0)
                        fail_msg("%s = %s, want %s", want[i][0], v ? v : "(absent)", want[i][1]);
        }
        /* Unknowns are there, empty. */
        rep.victim.has = false;
        rep.kind = REPORT_WARNING;
        memset(&rep.identity, 0, sizeof(rep.identity));
        hook_msg_event(&m, &rep, NULL);
        assert_int_equal(hook_env_build(&env, &m.event, 0), 0);
        assert_string_equal(env_get(&env, "OOMGUARD_EVENT"), "warning");
        assert_string_equal(env_get(&env, "OOMGUARD_VICTIM_PID"), "");
        assert_string_equal(env_get(&env, "OOMGUARD_REPORT"), "");
        assert_string_equal(env_get(&env, "OOMGUARD_POD_UID"), "");
        assert_string_equal(env_get(&env, "OOMGUARD_EVENTS_MISSED"), "0");
        /* Every field at its longest still fits. */
        struct hook_event big;
        memset(&big, 'x', sizeof(big));
        big.kind = REPORT_KERNEL_OOM_KILL;
        big.victim_pid = 2147483647;
        char *strs[] = { big.id,
                         big.report,
                         big.rule,
                         big.action,
                         big.reason,
                         big.outcome,
                         big.cgroup,
                         big.victim_comm,
                         big.identity.runtime,
                         big.identity.container_id,
                         big.identity.pod_uid,
                         big.identity.qos };
        size_t sizes[] = { sizeof(big.id),
                           sizeof(big.report),
                           sizeof(big.rule),
                           sizeof(big.action),
                           sizeof(big.reason),
                           sizeof(big.outcome),
                           sizeof(big.cgroup),
                           sizeof(big.victim_comm),
                           sizeof(big.identity.runtime),
                           sizeof(big.identity.container_id),
                           sizeof(big.identity.pod_uid),
                           sizeof(big.identity.qos) };
        for (size_t i = 0; i < ELEMENTSOF(strs); i++)
                strs[i][sizes[i] - 1] = '\0';
        assert_int_equal(hook_env_build(&env, &big, UINT64_MAX), 0);
        assert_string_equal(env_get(&env, "OOMGUARD_EVENT"), "kernel-oom-kill");
        assert_string_equal(env_get(&env, "OOMGUARD_EVENTS_MISSED"), "18446744073709551615");
        assert_string_equal(env_get(&env, "OOMGUARD_VICTIM_PID"), "2147483647");
}

static void test_labels(void **state) {
        char buf[96];
        assert_string_equal(hook_rule_label(buf, sizeof(buf), "web"), "rule web");
        assert_string_equal(hook_rule_label(buf, sizeof(buf), ""), "kernel OOM kills");
        assert_string_equal(hook_event_kind_name(7), "unknown");
        assert_true(hook_log_nth(1) && hook_log_nth(2) && hook_log_nth(4) && hook_log_nth(1024));
        assert_false(hook_log_nth(3) || hook_log_nth(6) || hook_log_nth(1000));
}

/* ---- the keys ---- */

static int load(const char *text, struct policy *p, struct config_errors *e) {
        FILE *f = tmpfile();
        assert_non_null(f);
        fputs(text, f);
        rewind(f);
        int r = config_load_stream(f, "t.conf", p, e);
        fclose(f);
        return r;
}

static void expect_error(const char *daemon_lines, const char *want) {
        char text[2048];
        snprintf(text, sizeof(text), "[daemon]\n%s[global]\nmem_available_below = 5%%\n", daemon_lines);
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load(text, &p, &e), -EINVAL);
        if (e.n != 1 || strcmp(e.msgs[0], want) != 0) {
                config_errors_print(&e, stderr);
                fail_msg("want exactly: %s", want);
        }
        config_errors_free(&e);
}

static void test_keys(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[global]\nmem_available_below = 5%\n", &p, &e), 0);
        assert_null(p.daemon.hook);
        assert_int_equal(p.daemon.hook_timeout_ns, 10 * NSEC_PER_SEC);
        policy_free(&p);
        assert_int_equal(
                load("[daemon]\nhook = /bin/sh\nhook_timeout = 1.5s\n[global]\nmem_available_below = 5%\n", &p, &e), 0);
        assert_string_equal(p.daemon.hook, "/bin/sh");
        assert_int_equal(p.daemon.hook_timeout_ns, 1500 * NSEC_PER_MSEC);
        policy_free(&p);
        assert_int_equal(e.n, 0);
        expect_error("hook = bin/sh\n",
                     "t.conf:2: hook: \"bin/sh\" is not absolute (a program's full path, e.g. "
                     "/usr/local/sbin/oomguard-hook)");
        expect_error("hook = /nonexistent/oomguard-hook\n",
                     "t.conf:2: hook: cannot use \"/nonexistent/oomguard-hook\": No such file or directory");
        expect_error("hook = /\n", "t.conf:2: hook: \"/\" is not a regular file");
        expect_error("hook_timeout = 0\n", "t.conf:2: hook_timeout: must be greater than 0");
        expect_error("hook_timeout = soon\n",
                     "t.conf:2: hook_timeout: invalid duration \"soon\" (e.g. 500us, 100ms, 2s, 1.5m, 1h)");
        expect_error("hook = /bin/sh\nhook = /bin/sh\n", "t.conf:3: hook: duplicate key (first set on line 2)");
}

static char tmpdir[] = "/tmp/oomguard-test-hook.XXXXXX";

static void make_file(const char *path, mode_t mode) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
        close(fd);
        assert_int_equal(chmod(path, mode), 0);
}

/* The strict checks on files this test owns, in a directory under /tmp
 * (world-writable): what is refused, and in which order. */
static void test_program_check(void **state) {
        char why[CONFIG_WHY_MAX], path[128], want[1024];
        assert_non_null(mkdtemp(tmpdir));
        snprintf(path, sizeof(path), "%s/hook", tmpdir);
        make_file(path, 0755);
        assert_int_equal(config_program_check(path, false, why), 0); /* not root: runs what it may */
        assert_int_equal(config_program_check(path, true, why), -EINVAL);
        if (geteuid() == 0)
                snprintf(want, sizeof(want), "\"%s\": its directory \"/tmp\" is group- or world-writable (mode 1777)",
                         path);
        else
                snprintf(want, sizeof(want), "\"%s\" is owned by uid %u, not root", path, (unsigned)geteuid());
        assert_string_equal(why, want);
        if (geteuid() == 0) {
                assert_int_equal(chmod(path, 0775), 0);
                assert_int_equal(config_program_check(path, true, why), -EINVAL);
                snprintf(want, sizeof(want), "\"%s\" is group- or world-writable (mode 0775)", path);
                assert_string_equal(why, want);
        }
        /* A symlink is followed, and both names are said. */
        char link[128];
        snprintf(link, sizeof(link), "%s/link", tmpdir);
        assert_int_equal(symlink(path, link), 0);
        assert_int_equal(chmod(path, 0644), 0);
        assert_int_equal(config_program_check(link, true, why), -EINVAL);
        snprintf(want, sizeof(want), "\"%s\" (-> \"%s\") is not executable", link, path);
        assert_string_equal(why, want);
        assert_int_equal(config_program_check(link, false, why), -EINVAL);
        assert_string_equal(why, want);
        unlink(link);
        unlink(path);
        rmdir(tmpdir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_event_roundtrip), cmocka_unit_test(test_event_unknowns),
                cmocka_unit_test(test_check_refuses),   cmocka_unit_test(test_env),
                cmocka_unit_test(test_labels),          cmocka_unit_test(test_keys),
                cmocka_unit_test(test_program_check),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
