/* The INI loader: valid files → struct fields, invalid files → every
 * error, exactly worded, with *ret untouched; policy_print reads back. */
#include "testing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "policy/config.h"
#include "policy/policy.h"
#include "util.h"

static FILE *text_file(const char *text) {
        FILE *f = tmpfile();
        assert_non_null(f);
        fputs(text, f);
        rewind(f);
        return f;
}

static int load(const char *text, struct policy *p, struct config_errors *e) {
        FILE *f = text_file(text);
        int r = config_load_stream(f, "t.conf", p, e);
        fclose(f);
        return r;
}

/* Loads text, expecting exactly the NULL-terminated list of errors. */
static void expect_errors(const char *text, const char *const *want) {
        struct config_errors e = { 0 };
        struct policy p;
        memset(&p, 0xa5, sizeof(p));
        struct policy before = p;

        assert_int_equal(load(text, &p, &e), -EINVAL);
        assert_memory_equal(&p, &before, sizeof(p)); /* untouched */
        size_t n = 0;
        while (want[n])
                n++;
        for (size_t i = 0; i < e.n || i < n; i++) {
                const char *got = i < e.n ? e.msgs[i] : "(none)";
                const char *exp = i < n ? want[i] : "(none)";
                if (strcmp(got, exp) != 0) {
                        config_errors_print(&e, stderr);
                        fail_msg("error %zu:\n got  %s\n want %s", i, got, exp);
                }
        }
        config_errors_free(&e);
}

#define EXPECT_ERRORS(text, ...) expect_errors(text, (const char *const[]){ __VA_ARGS__, NULL })

static const char full_conf[] =
        "; a comment\n"
        "# another\n"
        "\n"
        "[daemon]\n"
        "interval = 250ms        ; inline comment\n"
        "rescan_interval = 1m\n"
        "dry_run = yes\n"
        "kill_grace = 1.5s\n"
        "post_kill_delay = 0\n"
        "protect = ^(systemd|sshd)$\n"
        "max_kills_per_minute = 3\n"
        "kill_timeout = 500ms\n"
        "prefer = cmdline:--type=renderer\n"
        "avoid = user:0\n"
        "protect = cgroup:/system.slice/*\n"
        "\n"
        "[global]\n"
        "mem_available_below = 5%\n"
        "swap_free_below = 512M\n"
        "psi_some_avg10_above = 60\n"
        "psi_full_avg10_above = 40%\n"
        "watermark_below = low\n"
        "action = warn\n"
        "for = 3s\n"
        "avoid = ^Xorg$\n"
        "\n"
        "[cgroup:web]\n"
        "path = /system.slice/nginx.service\n"
        "usage_above = 90%\n"
        "failcnt_rate_above = 100\n"
        "psi_some_avg10_above = 30\n"
        "action = kill-cgroup\n"
        "supervisor_first = yes\n"
        "headroom_below = 64M\n"
        "forecast_below = 2s\n"
        "for = 250ms\n"
        "prefer = comm:^php-fpm\n"
        "prefer = ^nginx$\n"
        "protect = user:root\n"
        "\n"
        "[cgroup:batch]\n"
        "path = /batch.slice/*/\n"
        "usage_above = 1.5G\n"
        "psi_full_avg10_above = 12.5\n"
        "headroom_below = 10%\n";

/* Line i of l is the one term field, written source. */
static void assert_matcher(const struct matcher_list *l, size_t i, enum match_field field, const char *source) {
        assert_true(i < l->n);
        assert_int_equal(l->items[i].n_terms, 1);
        assert_int_equal(l->items[i].terms[0].field, field);
        assert_string_equal(l->items[i].source, source);
        enum match_kind kind = field == MATCH_USER                           ? MATCH_UID
                               : field == MATCH_CGROUP || field == MATCH_EXE ? MATCH_GLOB
                                                                             : MATCH_REGEX;
        assert_int_equal(l->items[i].terms[0].kind, kind);
}

/* The uid of the one term of line i. */
static uid_t uid_of(const struct matcher_list *l, size_t i) { return l->items[i].terms[0].uid; }

static void test_valid_full(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load(full_conf, &p, &e), 0);
        assert_int_equal(e.n, 0);

        assert_string_equal(p.source_file, "t.conf");
        assert_int_equal(p.daemon.interval_ns, 250 * NSEC_PER_MSEC);
        assert_int_equal(p.daemon.rescan_interval_ns, 60 * NSEC_PER_SEC);
        assert_true(p.daemon.dry_run);
        assert_int_equal(p.daemon.kill_grace_ns, 1500 * NSEC_PER_MSEC);
        assert_int_equal(p.daemon.post_kill_delay_ns, 0);
        assert_int_equal(p.daemon.max_kills_per_minute, 3);
        assert_int_equal(p.daemon.kill_timeout_ns, 500 * NSEC_PER_MSEC);
        assert_int_equal(p.daemon.protect.n, 2);
        assert_matcher(&p.daemon.protect, 0, MATCH_COMM, "^(systemd|sshd)$");
        assert_matcher(&p.daemon.protect, 1, MATCH_CGROUP, "cgroup:/system.slice/*");
        assert_int_equal(p.daemon.prefer.n, 1);
        assert_matcher(&p.daemon.prefer, 0, MATCH_CMDLINE, "cmdline:--type=renderer");
        assert_int_equal(p.daemon.avoid.n, 1);
        assert_matcher(&p.daemon.avoid, 0, MATCH_USER, "user:0");
        assert_int_equal(uid_of(&p.daemon.avoid, 0), 0);

        struct proc_facts sshd = { .comm = "sshd", .cgroup = "/user.slice/x" };
        struct proc_facts sshd2 = { .comm = "sshd2", .cgroup = "/user.slice/x" };
        struct proc_facts unit = { .comm = "sshd2", .cgroup = "/system.slice/a.service" };
        assert_true(matcher_list_match(&p.daemon.protect, &sshd));
        assert_false(matcher_list_match(&p.daemon.protect, &sshd2));
        assert_true(matcher_list_match(&p.daemon.protect, &unit));

        assert_true(p.has_global);
        assert_string_equal(p.global.name, "global");
        assert_int_equal(p.global.scope, RULE_GLOBAL);
        assert_int_equal(p.global.line, 17);
        assert_int_equal(p.global.th.mem_available_below.kind, SIZE_PERCENT);
        assert_true(p.global.th.mem_available_below.percent == 5);
        assert_int_equal(p.global.th.swap_free_below.kind, SIZE_BYTES);
        assert_int_equal(p.global.th.swap_free_below.bytes, 512ull << 20);
        assert_true(p.global.th.psi_some_avg10_above == 60);
        assert_true(p.global.th.psi_full_avg10_above == 40);
        assert_int_equal(p.global.th.watermark_below, WATERMARK_LOW);
        assert_int_equal(p.global.th.usage_above.kind, SIZE_UNSET);
        assert_int_equal(p.global.th.headroom_below.kind, SIZE_UNSET);
        assert_int_equal(p.global.th.forecast_below_ns, 0);
        assert_true(p.global.th.failcnt_rate_above < 0);
        assert_int_equal(p.global.action, ACTION_WARN);
        assert_int_equal(p.global.for_ns, 3 * NSEC_PER_SEC);
        assert_int_equal(p.global.avoid.n, 1);
        assert_matcher(&p.global.avoid, 0, MATCH_COMM, "^Xorg$");
        assert_int_equal(p.global.prefer.n, 0);
        assert_int_equal(p.global.protect.n, 0);

        assert_int_equal(p.n_cgroups, 2);
        const struct rule *web = &p.cgroups[0], *batch = &p.cgroups[1];
        assert_string_equal(web->name, "web");
        assert_int_equal(web->scope, RULE_CGROUP);
        assert_int_equal(web->line, 27);
        assert_string_equal(web->path_glob, "/system.slice/nginx.service");
        assert_int_equal(web->th.usage_above.kind, SIZE_PERCENT);
        assert_true(web->th.usage_above.percent == 90);
        assert_true(web->th.failcnt_rate_above == 100);
        assert_true(web->th.psi_some_avg10_above == 30);
        assert_true(web->th.psi_full_avg10_above < 0);
        assert_int_equal(web->th.headroom_below.kind, SIZE_BYTES);
        assert_int_equal(web->th.headroom_below.bytes, 64ull << 20);
        assert_int_equal(web->th.forecast_below_ns, 2 * NSEC_PER_SEC);
        assert_int_equal(web->for_ns, 250 * NSEC_PER_MSEC);
        assert_int_equal(web->action, ACTION_KILL_CGROUP);
        assert_true(web->supervisor_first);
        assert_int_equal(web->prefer.n, 2);
        assert_matcher(&web->prefer, 0, MATCH_COMM, "comm:^php-fpm");
        assert_matcher(&web->prefer, 1, MATCH_COMM, "^nginx$");
        assert_int_equal(web->protect.n, 1);
        assert_matcher(&web->protect, 0, MATCH_USER, "user:root");
        assert_int_equal(uid_of(&web->protect, 0), 0);
        assert_int_equal(web->avoid.n, 0);

        assert_string_equal(batch->name, "batch");
        assert_string_equal(batch->path_glob, "/batch.slice/*"); /* trailing '/' dropped */
        assert_int_equal(batch->th.usage_above.bytes, (3ull << 30) / 2);
        assert_true(batch->th.psi_full_avg10_above == 12.5);
        assert_int_equal(batch->th.headroom_below.kind, SIZE_PERCENT);
        assert_true(batch->th.headroom_below.percent == 10);
        assert_int_equal(batch->th.forecast_below_ns, 0);
        assert_int_equal(batch->for_ns, 0);
        assert_int_equal(batch->action, ACTION_KILL);
        assert_false(batch->supervisor_first);
        assert_int_equal(batch->prefer.n + batch->avoid.n + batch->protect.n, 0);
        policy_free(&p);
}

static void test_defaults(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[global]\npsi_full_avg10_above = 40\n", &p, &e), 0);
        assert_int_equal(p.daemon.interval_ns, 100 * NSEC_PER_MSEC);
        assert_int_equal(p.daemon.rescan_interval_ns, 10 * NSEC_PER_SEC);
        assert_false(p.daemon.dry_run);
        assert_int_equal(p.daemon.kill_grace_ns, 0);
        assert_int_equal(p.daemon.post_kill_delay_ns, NSEC_PER_SEC);
        assert_int_equal(p.daemon.max_kills_per_minute, 10);
        assert_int_equal(p.daemon.kill_timeout_ns, 2 * NSEC_PER_SEC);
        assert_int_equal(p.daemon.protect.n, 0);
        assert_null(p.daemon.protect.items);
        assert_int_equal(p.daemon.prefer.n, 0);
        assert_int_equal(p.daemon.avoid.n, 0);
        assert_string_equal(p.daemon.report_dir, "/var/lib/oomguard/reports");
        assert_int_equal(p.daemon.report_max_files, 1000);
        assert_int_equal(p.daemon.report_max_bytes, 64 << 20);
        assert_string_equal(p.daemon.metrics_file, "/run/oomguard/metrics/oomguard.prom");
        assert_int_equal(p.daemon.metrics_interval_ns, 10 * NSEC_PER_SEC);
        assert_int_equal(p.global.for_ns, 0);
        assert_int_equal(p.global.protect.n + p.global.prefer.n + p.global.avoid.n, 0);
        assert_int_equal(p.global.action, ACTION_KILL);
        assert_int_equal(p.global.th.mem_available_below.kind, SIZE_UNSET);
        assert_int_equal(p.global.th.swap_free_below.kind, SIZE_UNSET);
        assert_true(p.global.th.psi_some_avg10_above < 0);
        assert_int_equal(p.global.th.watermark_below, WATERMARK_NONE);
        assert_int_equal(p.global.th.mode, THRESHOLDS_ANY);
        assert_int_equal(p.n_cgroups, 0);
        assert_null(p.cgroups);
        policy_free(&p);
}

static void test_action_names(void **state) {
        const char *names[] = { "warn", "kill", "kill-cgroup", "reclaim", "stop" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                enum action_kind a;
                assert_int_equal(action_kind_from_string(names[i], &a), 0);
                assert_int_equal(a, (enum action_kind)i);
                assert_string_equal(action_kind_to_string(a), names[i]);
        }
        enum action_kind a = ACTION_STOP;
        assert_int_equal(action_kind_from_string("KILL", &a), -EINVAL);
        assert_int_equal(action_kind_from_string("", &a), -EINVAL);
        assert_int_equal(a, ACTION_STOP);
        assert_string_equal(action_kind_to_string(_ACTION_MAX), "unknown");
}

static void test_value_errors(void **state) {
        EXPECT_ERRORS(
                "[daemon]\n"
                "interval = 5 parsecs\n"
                "rescan_interval = 0\n"
                "dry_run = maybe\n"
                "kill_grace = -1s\n"
                "protect = ^(sshd\n"
                "[global]\n"
                "mem_available_below = 150%\n"
                "swap_free_below = 12Q\n"
                "psi_some_avg10_above = 101\n"
                "psi_full_avg10_above = abc\n"
                "watermark_below = medium\n"
                "action = kill-cgroup\n",
                "t.conf:2: interval: invalid duration \"5 parsecs\" (e.g. 500us, 100ms, 2s, 1.5m, 1h)",
                "t.conf:3: rescan_interval: must be greater than 0",
                "t.conf:4: dry_run: invalid boolean \"maybe\" (yes/no, true/false, on/off, 1/0)",
                "t.conf:5: kill_grace: invalid duration \"-1s\" (e.g. 500us, 100ms, 2s, 1.5m, 1h)",
                "t.conf:6: protect: invalid regex \"^(sshd\": Unmatched ( or \\(",
                "t.conf:8: mem_available_below: percentage \"150%\" out of range (0..100%)",
                "t.conf:9: swap_free_below: invalid size or percentage \"12Q\" (e.g. 512M, 1.5G, 5%)",
                "t.conf:10: psi_some_avg10_above: \"101\" out of range (0..100)",
                "t.conf:11: psi_full_avg10_above: invalid number \"abc\" (a percentage 0..100)",
                "t.conf:12: watermark_below: invalid watermark \"medium\" (min, low or high)",
                "t.conf:13: action: kill-cgroup is only valid in [cgroup:NAME]",
                "t.conf:7: [global]: no threshold set; the rule would never fire");
}

static void test_cgroup_errors(void **state) {
        EXPECT_ERRORS(
                "[cgroup:web]\n"
                "path = system.slice\n"
                "usage_above = 10X\n"
                "failcnt_rate_above = -3\n"
                "action = nuke\n"
                "supervisor_first = perhaps\n"
                "usage_above = 5%\n"
                "[cgroup:db]\n"
                "usage_above = 90%\n"
                "[cgroup:]\n"
                "path = /x\n"
                "usage_above = 90%\n"
                "[cgroup:a b]\n"
                "path = /y\n"
                "psi_some_avg10_above = 10\n"
                "[cgroup:db]\n"
                "path = /z\n"
                "usage_above = oops\n",
                "t.conf:2: path: \"system.slice\" is not absolute (a cgroup path starts with '/')",
                "t.conf:3: usage_above: invalid size or percentage \"10X\" (e.g. 512M, 1.5G, 5%)",
                "t.conf:4: failcnt_rate_above: invalid number \"-3\" (events per second, e.g. 100 or 0.5)",
                "t.conf:5: action: invalid action \"nuke\" (warn, kill, kill-cgroup, reclaim, stop)",
                "t.conf:6: supervisor_first: invalid boolean \"perhaps\" (yes/no, true/false, on/off, 1/0)",
                "t.conf:7: usage_above: duplicate key (first set on line 3)", "t.conf:1: [cgroup:web]: missing path",
                "t.conf:1: [cgroup:web]: no threshold set; the rule would never fire",
                "t.conf:8: [cgroup:db]: missing path", "t.conf:10: [cgroup:]: empty rule name",
                "t.conf:13: [cgroup:a b]: invalid rule name (use letters, digits, '-', '_', '.', '@')",
                "t.conf:16: [cgroup:db]: duplicate section (first on line 8)",
                "t.conf:18: usage_above: invalid size or percentage \"oops\" (e.g. 512M, 1.5G, 5%)",
                "t.conf:16: [cgroup:db]: no threshold set; the rule would never fire");
}

static void test_kill_path_errors(void **state) {
        EXPECT_ERRORS(
                "[daemon]\n"
                "max_kills_per_minute = 0\n"
                "kill_timeout = 0\n"
                "for = 1s\n"
                "headroom_below = 5%\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n"
                "headroom_below = 5%\n"
                "forecast_below = 10s\n"
                "for = soon\n"
                "max_kills_per_minute = 5\n"
                "kill_timeout = 1s\n"
                "[cgroup:web]\n"
                "path = /w\n"
                "forecast_below = garbage\n"
                "headroom_below = 101%\n"
                "for = 1s\n"
                "for = 2s\n"
                "[cgroup:db]\n"
                "path = /d\n"
                "forecast_below = 0\n",
                "t.conf:2: max_kills_per_minute: must be greater than 0",
                "t.conf:3: kill_timeout: must be greater than 0",
                "t.conf:4: for: only valid in [global] and [cgroup:NAME]",
                "t.conf:5: headroom_below: only valid in [cgroup:NAME]",
                "t.conf:8: headroom_below: only valid in [cgroup:NAME]",
                "t.conf:9: forecast_below: only valid in [cgroup:NAME]",
                "t.conf:10: for: invalid duration \"soon\" (e.g. 500us, 100ms, 2s, 1.5m, 1h)",
                "t.conf:11: max_kills_per_minute: only valid in [daemon]",
                "t.conf:12: kill_timeout: only valid in [daemon]",
                "t.conf:15: forecast_below: invalid duration \"garbage\" (e.g. 500us, 100ms, 2s, 1.5m, 1h)",
                "t.conf:16: headroom_below: percentage \"101%\" out of range (0..100%)",
                "t.conf:18: for: duplicate key (first set on line 17)",
                "t.conf:13: [cgroup:web]: no threshold set; the rule would never fire",
                "t.conf:21: forecast_below: must be greater than 0",
                "t.conf:19: [cgroup:db]: no threshold set; the rule would never fire");
        EXPECT_ERRORS(
                "[daemon]\n"
                "max_kills_per_minute = -1\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n",
                "t.conf:2: max_kills_per_minute: invalid number \"-1\" (a whole number, e.g. 10)");
        EXPECT_ERRORS(
                "[daemon]\n"
                "max_kills_per_minute = 4294967296\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n",
                "t.conf:2: max_kills_per_minute: \"4294967296\" too large");
        EXPECT_ERRORS(
                "[daemon]\n"
                "max_kills_per_minute = 2.5\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n",
                "t.conf:2: max_kills_per_minute: invalid number \"2.5\" (a whole number, e.g. 10)");
}

static void test_matcher_errors(void **state) {
        EXPECT_ERRORS(
                "[daemon]\n"
                "protect = user:nosuchuser\n"
                "protect = ^sshd$\n"
                "prefer = cmdline:(\n"
                "avoid = user:\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n"
                "protect = cgroup:[a\n"
                "prefer = \x1b(x\n"
                "[cgroup:web]\n"
                "path = /w\n"
                "usage_above = 90%\n"
                "avoid = comm:\n"
                "protect = user:nosuchuser2\n",
                "t.conf:2: protect: unknown user \"nosuchuser\"",
                "t.conf:4: prefer: invalid regex \"(\": Unmatched ( or \\(",
                "t.conf:5: avoid: empty pattern after \"user:\"",
                "t.conf:8: protect: invalid regex \"[a\": Unmatched [, [^, [:, [., or [=",
                "t.conf:9: prefer: invalid regex \"?(x\": Unmatched ( or \\(",
                "t.conf:13: avoid: empty pattern after \"comm:\"", "t.conf:14: protect: unknown user \"nosuchuser2\"");
        EXPECT_ERRORS(
                "protect = ^x$\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n"
                "prefer = user:nosuchuser-with-a-very-long-name-that-goes-on-and-on-and-on-and-on\n",
                "t.conf:1: protect: outside any section (it belongs in [daemon], [global] and [cgroup:NAME])",
                "t.conf:4: prefer: unknown user \"nosuchuser-with-a-very-long-name-that-goes-on-and-on-and-on-and-...\"");
}

static void test_matcher_values(void **state) {
        /* Unknown "word:" prefixes are part of a comm regex; numeric users
         * are uids; a rule's lists are its own. */
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[daemon]\n"
                              "protect = foo:bar\n"
                              "protect = user:4242\n"
                              "protect = comm:user:x\n"
                              "[cgroup:a]\n"
                              "path = /a\n"
                              "forecast_below = 5s\n"
                              "[cgroup:b]\n"
                              "path = /b\n"
                              "headroom_below = 1G\n"
                              "avoid = cgroup:/b/keep\n"
                              "avoid = user:root\n",
                              &p, &e),
                         0);
        assert_int_equal(p.daemon.protect.n, 3);
        assert_matcher(&p.daemon.protect, 0, MATCH_COMM, "foo:bar");
        assert_matcher(&p.daemon.protect, 1, MATCH_USER, "user:4242");
        assert_int_equal(uid_of(&p.daemon.protect, 1), 4242);
        assert_matcher(&p.daemon.protect, 2, MATCH_COMM, "comm:user:x");
        struct proc_facts f = { .comm = "user:x" };
        assert_true(matcher_list_match(&p.daemon.protect, &f));
        f.comm = "foo:bar";
        assert_true(matcher_list_match(&p.daemon.protect, &f));
        f = (struct proc_facts){ .comm = "x", .uid = 4242, .has_uid = true };
        assert_true(matcher_list_match(&p.daemon.protect, &f));
        assert_false(p.has_global);
        assert_int_equal(p.n_cgroups, 2);
        assert_int_equal(p.cgroups[0].th.forecast_below_ns, 5 * NSEC_PER_SEC);
        assert_int_equal(p.cgroups[0].avoid.n, 0);
        assert_int_equal(p.cgroups[1].avoid.n, 2);
        assert_matcher(&p.cgroups[1].avoid, 0, MATCH_CGROUP, "cgroup:/b/keep");
        assert_matcher(&p.cgroups[1].avoid, 1, MATCH_USER, "user:root");
        assert_int_equal(matcher_list_fields(&p.cgroups[1].avoid), (1u << MATCH_CGROUP) | (1u << MATCH_USER));
        policy_free(&p);
        assert_int_equal(p.daemon.protect.n, 0);
        assert_null(p.cgroups);
}

static void test_discarded_sections_free_matchers(void **state) {
        /* Matchers of a duplicate [daemon] or a rule with errors are
         * freed (the sanitizer build checks for leaks). */
        EXPECT_ERRORS(
                "[daemon]\n"
                "protect = ^a$\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n"
                "prefer = ^b$\n"
                "[daemon]\n"
                "protect = ^c$\n"
                "avoid = user:root\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n"
                "avoid = ^d$\n"
                "[cgroup:x]\n"
                "path = /x\n"
                "usage_above = 5%\n"
                "prefer = ^e$\n"
                "[cgroup:x]\n"
                "path = /y\n"
                "usage_above = 5%\n"
                "protect = ^f$\n",
                "t.conf:6: [daemon]: duplicate section (first on line 1)",
                "t.conf:9: [global]: duplicate section (first on line 3)",
                "t.conf:16: [cgroup:x]: duplicate section (first on line 12)");
}

static void test_structure_errors(void **state) {
        EXPECT_ERRORS(
                "interval = 1s\n"
                "bogus = 1\n"
                "[daemon]\n"
                "path = /x\n"
                "colour = blue\n"
                "interval =\n"
                "interval = 2s\n"
                "just some words\n"
                "key: value\n"
                "= value\n"
                "[global\n"
                "mem_available_below = 5%\n"
                "[global] junk\n"
                "[frobnicate]\n"
                "x = 1\n"
                "[adjust:db]\n"
                "comm = ^postgres$\n"
                "[supervisor:nginx]\n"
                "[daemon]\n"
                "dry_run = nope\n"
                "[global]\n"
                "usage_above = 5%\n"
                "supervisor_first = yes\n"
                "psi_full_avg10_above = 40\n",
                "t.conf:1: interval: outside any section (it belongs in [daemon])",
                "t.conf:2: bogus: outside any section", "t.conf:4: path: only valid in [cgroup:NAME]",
                "t.conf:5: colour: unknown key in [daemon]", "t.conf:6: interval: empty value",
                "t.conf:7: interval: duplicate key (first set on line 6)",
                "t.conf:8: just some words: expected \"key = value\", \"[section]\" or a comment",
                "t.conf:9: key: value: expected \"key = value\", \"[section]\" or a comment",
                "t.conf:10: = value: expected \"key = value\", \"[section]\" or a comment",
                "t.conf:11: [global: missing ']' at the end of the section header",
                "t.conf:13: [global] junk: unexpected text after ']'",
                "t.conf:14: [frobnicate]: unknown section (expected [daemon], [global], [cgroup:NAME], [supervisor:NAME] or [adjust:NAME])",
                "t.conf:16: [adjust:db]: missing oom_score_adj",
                "t.conf:18: [supervisor:nginx]: say which processes are supervisors (match = FIELD:PATTERN)",
                "t.conf:19: [daemon]: duplicate section (first on line 3)",
                "t.conf:20: dry_run: invalid boolean \"nope\" (yes/no, true/false, on/off, 1/0)",
                "t.conf:22: usage_above: only valid in [cgroup:NAME]",
                "t.conf:23: supervisor_first: only valid in [cgroup:NAME]");
}

static void test_line_numbers(void **state) {
        /* BOM, CRLF, indented keys, comments: numbers stay physical lines. */
        EXPECT_ERRORS(
                "\xEF\xBB\xBF; bom\r\n"
                "\r\n"
                "  [global]   ; comment\r\n"
                "\t; indented comment\r\n"
                "    action = stop\r\n"
                "  psi_full_avg10_above = 40 # hash comment\r\n"
                "mem_available_below = 5%;not a comment\r\n",
                "t.conf:7: mem_available_below: invalid size or percentage \"5%;not a comment\" (e.g. 512M, 1.5G, 5%)");
}

static void test_long_lines(void **state) {
        char *text = NULL;
        char pad[CONFIG_MAX_LINE + 2];
        memset(pad, 'x', sizeof(pad) - 1);
        pad[sizeof(pad) - 1] = '\0';
        /* exactly the maximum is fine; one more is an error, and the
         * rest of that line must not be parsed as a new line */
        pad[CONFIG_MAX_LINE - strlen("; ")] = '\0';
        assert_true(asprintf(&text,
                             "[global]\n; %s\n; %sx\naction = warn\npsi_full_avg10_above = 1\n"
                             "protect = %s%s\n",
                             pad, pad, pad, pad) > 0);
        EXPECT_ERRORS(text, "t.conf:3: line too long (max 1024)", "t.conf:6: line too long (max 1024)");
        free(text);
}

/* thresholds = any | all, in [global] and [cgroup:] only; any by default. */
static void test_thresholds_mode(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[global]\nmem_available_below = 5%\npsi_full_avg10_above = 20\nthresholds = all\n"
                              "[cgroup:jvm]\npath = /jvm\nusage_above = 95%\npsi_some_avg10_above = 10\n"
                              "thresholds = all\n"
                              "[cgroup:web]\npath = /web\nusage_above = 90%\nthresholds = any\n"
                              "[cgroup:db]\npath = /db\nusage_above = 90%\n",
                              &p, &e),
                         0);
        assert_int_equal(p.global.th.mode, THRESHOLDS_ALL);
        assert_int_equal(p.n_cgroups, 3);
        assert_int_equal(p.cgroups[0].th.mode, THRESHOLDS_ALL);
        assert_int_equal(p.cgroups[1].th.mode, THRESHOLDS_ANY);
        assert_int_equal(p.cgroups[2].th.mode, THRESHOLDS_ANY);
        policy_free(&p);
        EXPECT_ERRORS(
                "[daemon]\nthresholds = all\n"
                "[cgroup:a]\npath = /a\nusage_above = 90%\nthresholds = both\n"
                "[cgroup:b]\npath = /b\nusage_above = 90%\nthresholds = ALL\nthresholds = all\n"
                "[supervisor:s]\nmatch = ^x$\nthresholds = any\n"
                "[global]\npsi_some_avg10_above = 5\nthresholds =\n",
                "t.conf:2: thresholds: only valid in [global] and [cgroup:NAME]",
                "t.conf:6: thresholds: invalid value \"both\" (any, all)",
                "t.conf:10: thresholds: invalid value \"ALL\" (any, all)",
                "t.conf:11: thresholds: duplicate key (first set on line 10)",
                "t.conf:14: thresholds: only valid in [global] and [cgroup:NAME]",
                "t.conf:17: thresholds: empty value");
}

/* Nothing to do is an error (a file that guards nothing is a mistake);
 * each kind of rule section alone is a policy. */
static void test_no_rules(void **state) {
        EXPECT_ERRORS("", "t.conf: no [global], [cgroup:NAME], [supervisor:NAME] or [adjust:NAME] rule; nothing to do");
        EXPECT_ERRORS("[daemon]\ndry_run = yes\n",
                      "t.conf: no [global], [cgroup:NAME], [supervisor:NAME] or [adjust:NAME] rule; nothing to do");
}

static void test_one_section_alone(void **state) {
        static const char *const alone[] = {
                "[supervisor:web]\nmatch = cmdline:^nginx: master\nmax_restarts = 3\nrestart_action = stop\n",
                "[supervisor:zombies]\nmatch = cgroup:/batch/*\nzombies_above = 100\nzombie_action = kill\n",
                "[adjust:db]\nmatch = ^postgres$\noom_score_adj = -500\n",
                "[global]\nmem_available_below = 5%\n",
                "[cgroup:web]\npath = /web\nusage_above = 90%\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(alone); i++) {
                struct config_errors e = { 0 };
                struct policy p;
                if (load(alone[i], &p, &e) != 0) {
                        config_errors_print(&e, stderr);
                        fail_msg("refused:\n%s", alone[i]);
                }
                assert_int_equal(p.has_global + p.n_cgroups + p.n_supervisors + p.n_adjust, 1);
                assert_int_equal(e.n_warnings, 0); /* the current spellings */
                policy_free(&p);
                config_errors_free(&e);
        }
}

static void test_many_errors(void **state) {
        /* More errors than fit: they are counted, not lost silently. */
        size_t n = CONFIG_MAX_ERRORS + 5;
        FILE *f = tmpfile();
        assert_non_null(f);
        fputs("[global]\npsi_full_avg10_above = 1\n", f);
        for (size_t i = 0; i < n; i++)
                fprintf(f, "nonsense%zu = 1\n", i);
        rewind(f);
        struct config_errors e = { 0 };
        struct policy p = { 0 };
        assert_int_equal(config_load_stream(f, "t.conf", &p, &e), -EINVAL);
        fclose(f);
        assert_int_equal(e.n, CONFIG_MAX_ERRORS);
        assert_int_equal(e.dropped, 5);
        assert_string_equal(e.msgs[0], "t.conf:3: nonsense0: unknown key in [global]");

        char *out = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&out, &len);
        config_errors_print(&e, m);
        fclose(m);
        assert_non_null(strstr(out, "... and 5 more errors\n"));
        free(out);
        config_errors_free(&e);
        assert_int_equal(e.n, 0);
}

static void test_cannot_open(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        memset(&p, 0x5a, sizeof(p));
        struct policy before = p;
        assert_int_equal(config_load("/nonexistent/oomguard.conf", &p, &e), -ENOENT);
        assert_memory_equal(&p, &before, sizeof(p));
        assert_int_equal(e.n, 1);
        assert_string_equal(e.msgs[0], "/nonexistent/oomguard.conf: cannot open: No such file or directory");
        config_errors_free(&e);

        assert_int_equal(config_load("/", &p, &e), -EINVAL);
        assert_string_equal(e.msgs[0], "/: read error: Is a directory");
        config_errors_free(&e);
}

static void test_long_text_is_cut(void **state) {
        char *text = NULL;
        char word[200];
        memset(word, 'k', sizeof(word) - 1);
        word[sizeof(word) - 1] = '\0';
        assert_true(asprintf(&text, "[global]\npsi_full_avg10_above = 1\n%s = \x1b[31m\n", word) > 0);
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load(text, &p, &e), -EINVAL);
        free(text);
        assert_int_equal(e.n, 1);
        char want[300];
        snprintf(want, sizeof(want), "t.conf:3: %.64s...: unknown key in [global]", word);
        assert_string_equal(e.msgs[0], want);
        config_errors_free(&e);
}

/* The same lines, term by term (sources may differ: "^x$" is comm:^x$). */
static void assert_matchers_mean_same(const struct matcher_list *a, const struct matcher_list *b) {
        assert_int_equal(a->n, b->n);
        for (size_t i = 0; i < a->n; i++) {
                const struct matcher *x = &a->items[i], *y = &b->items[i];
                assert_int_equal(x->n_terms, y->n_terms);
                for (size_t j = 0; j < x->n_terms; j++) {
                        assert_int_equal(x->terms[j].field, y->terms[j].field);
                        assert_int_equal(x->terms[j].kind, y->terms[j].kind);
                        assert_string_equal(x->terms[j].pattern, y->terms[j].pattern);
                        assert_int_equal(x->terms[j].uid, y->terms[j].uid);
                }
        }
}

static void assert_matchers_equal(const struct matcher_list *a, const struct matcher_list *b) {
        assert_matchers_mean_same(a, b);
        for (size_t i = 0; i < a->n; i++)
                assert_string_equal(a->items[i].source, b->items[i].source);
}

static bool size_equal(const struct size_or_pct *a, const struct size_or_pct *b) {
        return a->kind == b->kind && a->bytes == b->bytes && a->percent == b->percent;
}

static void assert_rule_equal(const struct rule *a, const struct rule *b) {
        assert_string_equal(a->name, b->name);
        assert_int_equal(a->scope, b->scope);
        assert_true((a->path_glob == NULL) == (b->path_glob == NULL));
        if (a->path_glob)
                assert_string_equal(a->path_glob, b->path_glob);
        assert_true(size_equal(&a->th.usage_above, &b->th.usage_above));
        assert_true(size_equal(&a->th.mem_available_below, &b->th.mem_available_below));
        assert_true(size_equal(&a->th.swap_free_below, &b->th.swap_free_below));
        assert_true(a->th.failcnt_rate_above == b->th.failcnt_rate_above);
        assert_true(a->th.psi_some_avg10_above == b->th.psi_some_avg10_above);
        assert_true(a->th.psi_full_avg10_above == b->th.psi_full_avg10_above);
        assert_int_equal(a->th.watermark_below, b->th.watermark_below);
        assert_true(size_equal(&a->th.headroom_below, &b->th.headroom_below));
        assert_int_equal(a->th.forecast_below_ns, b->th.forecast_below_ns);
        assert_int_equal(a->leak.warn_within_ns, b->leak.warn_within_ns);
        assert_int_equal(a->leak.window_ns, b->leak.window_ns);
        assert_int_equal(a->th.mode, b->th.mode);
        assert_int_equal(a->action, b->action);
        assert_int_equal(a->supervisor_first, b->supervisor_first);
        assert_int_equal(a->for_ns, b->for_ns);
        assert_matchers_equal(&a->prefer, &b->prefer);
        assert_matchers_equal(&a->avoid, &b->avoid);
        assert_matchers_equal(&a->protect, &b->protect);
}

static void assert_adjust_equal(const struct adjust_rule *a, const struct adjust_rule *b) {
        assert_string_equal(a->name, b->name);
        assert_matchers_equal(&a->match, &b->match);
        assert_int_equal(a->oom_score_adj, b->oom_score_adj);
        assert_int_equal(a->enforce, b->enforce);
}

static void assert_supervisor_equal(const struct supervisor_rule *a, const struct supervisor_rule *b) {
        assert_string_equal(a->name, b->name);
        assert_matchers_equal(&a->match, &b->match);
        assert_int_equal(a->max_restarts, b->max_restarts);
        assert_int_equal(a->window_ns, b->window_ns);
        assert_int_equal(a->restart_action, b->restart_action);
        assert_int_equal(a->zombies_above, b->zombies_above);
        assert_int_equal(a->zombie_action, b->zombie_action);
        assert_int_equal(a->container_init, b->container_init);
}

static void assert_policy_equal(const struct policy *a, const struct policy *b) {
        assert_int_equal(a->daemon.interval_ns, b->daemon.interval_ns);
        assert_int_equal(a->daemon.rescan_interval_ns, b->daemon.rescan_interval_ns);
        assert_int_equal(a->daemon.dry_run, b->daemon.dry_run);
        assert_int_equal(a->daemon.kill_grace_ns, b->daemon.kill_grace_ns);
        assert_int_equal(a->daemon.post_kill_delay_ns, b->daemon.post_kill_delay_ns);
        assert_int_equal(a->daemon.max_kills_per_minute, b->daemon.max_kills_per_minute);
        assert_int_equal(a->daemon.kill_timeout_ns, b->daemon.kill_timeout_ns);
        assert_matchers_equal(&a->daemon.protect, &b->daemon.protect);
        assert_matchers_equal(&a->daemon.prefer, &b->daemon.prefer);
        assert_matchers_equal(&a->daemon.avoid, &b->daemon.avoid);
        assert_string_equal(a->daemon.report_dir, b->daemon.report_dir);
        assert_int_equal(a->daemon.report_max_files, b->daemon.report_max_files);
        assert_int_equal(a->daemon.report_max_bytes, b->daemon.report_max_bytes);
        assert_string_equal(a->daemon.metrics_file, b->daemon.metrics_file);
        assert_int_equal(a->daemon.metrics_interval_ns, b->daemon.metrics_interval_ns);
        assert_int_equal(a->has_global, b->has_global);
        if (a->has_global)
                assert_rule_equal(&a->global, &b->global);
        assert_int_equal(a->n_cgroups, b->n_cgroups);
        for (size_t i = 0; i < a->n_cgroups; i++)
                assert_rule_equal(&a->cgroups[i], &b->cgroups[i]);
        assert_int_equal(a->n_adjust, b->n_adjust);
        for (size_t i = 0; i < a->n_adjust; i++)
                assert_adjust_equal(&a->adjust[i], &b->adjust[i]);
        assert_int_equal(a->n_supervisors, b->n_supervisors);
        for (size_t i = 0; i < a->n_supervisors; i++)
                assert_supervisor_equal(&a->supervisors[i], &b->supervisors[i]);
}

static char *print_to_string(const struct policy *p) {
        char *out = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&out, &len);
        assert_non_null(m);
        policy_print(p, m);
        fclose(m);
        return out;
}

static void roundtrip(const char *text) {
        struct config_errors e = { 0 };
        struct policy a, b;
        assert_int_equal(load(text, &a, &e), 0);
        char *printed = print_to_string(&a);
        if (load(printed, &b, &e) != 0) {
                config_errors_print(&e, stderr);
                fail_msg("policy_print output does not load:\n%s", printed);
        }
        assert_policy_equal(&a, &b);
        char *again = print_to_string(&b); /* and prints the same */
        assert_string_equal(printed, again);
        free(printed);
        free(again);
        policy_free(&a);
        policy_free(&b);
        config_errors_free(&e); /* the warnings of an old spelling */
}

static void test_print_roundtrip(void **state) {
        roundtrip(full_conf);
        roundtrip("[global]\nwatermark_below = min\n");
        /* Found by the config fuzzer: within 20 decimals these printed as 0. */
        roundtrip(
                "[global]\npsi_some_avg10_above = 0.000000000000000000000001\n"
                "[cgroup:a]\npath = /a\nfailcnt_rate_above = 0.0000000000000000000000000000000000000000000000017\n"
                "usage_above = 0.00000000000000000000000000007%\n");
        roundtrip(
                "[global]\nmem_available_below = 5%\npsi_some_avg10_above = 20\nthresholds = all\n"
                "[cgroup:a]\npath = /a\nusage_above = 90%\npsi_some_avg10_above = 10\nthresholds = all\n");
        roundtrip(
                "[daemon]\ninterval = 1.001s\nkill_grace = 250ns\npost_kill_delay = 90m\n"
                "rescan_interval = 3h\n"
                "[cgroup:x]\npath = /\nusage_above = 1000\nfailcnt_rate_above = 0.1\n"
                "psi_full_avg10_above = 33.333333333333336\n"
                "[cgroup:y]\npath = /a/*\nusage_above = 0.3%\naction = reclaim\n"
                "[cgroup:z]\npath = /b\nusage_above = 1.25T\naction = stop\n");
        roundtrip(
                "[daemon]\nmax_kills_per_minute = 4294967295\nkill_timeout = 1500ms\n"
                "protect = user:65534\nprotect = foo:bar\nprotect = cmdline:a b\n"
                "[cgroup:f]\npath = /f\nforecast_below = 1ns\nfor = 1h\n"
                "avoid = ^x$\navoid = ^y$\nprefer = user:root\nprotect = cgroup:/f/keep\n"
                "[cgroup:h]\npath = /h\nheadroom_below = 0.5%\n");
        roundtrip(
                "[global]\nleak_warn_within = 1d\nleak_window = 6h\n"
                "[cgroup:l]\npath = /l\nleak_warn_within = 90s\nleak_window = 10s\n");
        roundtrip(
                "[adjust:db]\ncomm = ^(postgres|mysqld)$\nuser = root\noom_score_adj = -500\n"
                "[adjust:w]\ncmdline = --type=renderer\nexe = /usr/lib/*/chrome\ncgroup = /user.slice/*/\n"
                "user = 65534\noom_score_adj = +1000\nenforce = yes\n"
                "[adjust:zero]\nexe = /bin/x\noom_score_adj = -0\n");
}

static void test_adjust_values(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[adjust:a]\ncomm = ^a$\noom_score_adj = -1000\n"
                              "[adjust:b]\ncgroup = /b/\nuser = root\noom_score_adj = 1000\nenforce = on\n",
                              &p, &e),
                         0);
        assert_int_equal(p.n_adjust, 2);
        assert_false(p.has_global);
        assert_string_equal(p.adjust[0].name, "a");
        assert_int_equal(p.adjust[0].oom_score_adj, -1000);
        assert_false(p.adjust[0].enforce);
        assert_int_equal(p.adjust[0].line, 1);
        assert_int_equal(p.adjust[1].match.n, 1);
        assert_int_equal(p.adjust[1].match.items[0].n_terms, 2);
        assert_string_equal(p.adjust[1].match.items[0].terms[0].pattern, "/b"); /* trailing slash dropped */
        assert_int_equal(p.adjust[1].match.items[0].terms[1].uid, 0);
        assert_string_equal(p.adjust[1].match.items[0].source, "cgroup:/b && user:root");
        assert_true(p.adjust[1].enforce);
        assert_int_equal(p.adjust[1].oom_score_adj, 1000);
        policy_free(&p);
        config_errors_free(&e);
}

static void test_adjust_errors(void **state) {
        EXPECT_ERRORS(
                "[adjust:a]\noom_score_adj = 5\n"
                "[adjust:b]\ncomm = x\n"
                "[adjust:c]\ncomm = (\noom_score_adj = 1e3\n"
                "[adjust:d]\nuser = no-such-user-here\noom_score_adj = -\n"
                "[adjust:e]\nexe = x\noom_score_adj = 99999999999999999999\ncomm = x\ncomm = y\n"
                "[adjust:a]\ncomm = x\noom_score_adj = 1\n"
                "[adjust:b c]\ncomm = x\noom_score_adj = 1\n"
                "[adjust:f]\nusage_above = 5%\noom_score_adj = 1\ncomm = x\n",
                "t.conf:1: [adjust:a]: no match; say which processes it is for (match = FIELD:PATTERN)",
                "t.conf:3: [adjust:b]: missing oom_score_adj",
                "t.conf:6: comm: invalid regex \"(\": Unmatched ( or \\(",
                "t.conf:7: oom_score_adj: invalid number \"1e3\" (a whole number, -1000..1000)",
                "t.conf:9: user: unknown user \"no-such-user-here\"",
                "t.conf:10: oom_score_adj: invalid number \"-\" (a whole number, -1000..1000)",
                "t.conf:12: exe: \"x\" is not absolute (an executable's path starts with '/')",
                "t.conf:13: oom_score_adj: \"99999999999999999999\" out of range (-1000..1000)",
                "t.conf:15: comm: duplicate key (first set on line 14)",
                "t.conf:16: [adjust:a]: duplicate section (first on line 1)",
                "t.conf:19: [adjust:b c]: invalid rule name (use letters, digits, '-', '_', '.', '@')",
                "t.conf:23: usage_above: only valid in [cgroup:NAME]");
}

/* ---- the matcher language: terms, every key, the old spellings ---- */

/* Loads text, expecting no error and exactly the NULL-terminated list of
 * warnings. */
static void load_warned(const char *text, struct policy *p, const char *const *want) {
        struct config_errors e = { 0 };
        if (load(text, p, &e) != 0) {
                config_errors_print(&e, stderr);
                fail_msg("refused:\n%s", text);
        }
        size_t n = 0;
        while (want[n])
                n++;
        for (size_t i = 0; i < e.n_warnings || i < n; i++) {
                const char *got = i < e.n_warnings ? e.warnings[i] : "(none)";
                const char *exp = i < n ? want[i] : "(none)";
                if (strcmp(got, exp) != 0)
                        fail_msg("warning %zu:\n got  %s\n want %s", i, got, exp);
        }
        config_errors_free(&e);
}

#define LOAD_WARNED(text, p, ...) load_warned(text, p, (const char *const[]){ __VA_ARGS__ })

static const struct match_term *term(const struct matcher_list *l, size_t line, size_t i) {
        assert_true(line < l->n);
        assert_true(i < l->items[line].n_terms);
        return &l->items[line].terms[i];
}

static void test_matcher_terms(void **state) {
        struct policy p;
        LOAD_WARNED(
                "[daemon]\n"
                "protect = comm:^java$ &&   user:4242\n"
                "protect = exe:/usr/bin/[x] && cmdline:a&[&]b\n"
                "prefer = cgroup:/batch/*/ && ^job$\n"
                "avoid = exe:/opt/*/bin/srv\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n",
                &p, NULL);
        const struct matcher_list *pr = &p.daemon.protect;
        assert_int_equal(pr->n, 2);
        assert_int_equal(pr->items[0].n_terms, 2);
        assert_string_equal(pr->items[0].source, "comm:^java$ &&   user:4242"); /* as written */
        assert_int_equal(term(pr, 0, 0)->field, MATCH_COMM);
        assert_string_equal(term(pr, 0, 0)->pattern, "^java$");
        assert_int_equal(term(pr, 0, 1)->kind, MATCH_UID);
        assert_int_equal(term(pr, 0, 1)->uid, 4242);
        assert_int_equal(term(pr, 1, 0)->kind, MATCH_GLOB);
        assert_string_equal(term(pr, 1, 1)->pattern, "a&[&]b");
        const struct matcher_list *pf = &p.daemon.prefer;
        assert_int_equal(term(pf, 0, 0)->field, MATCH_CGROUP);
        assert_int_equal(term(pf, 0, 0)->kind, MATCH_GLOB);
        assert_string_equal(term(pf, 0, 0)->pattern, "/batch/*"); /* trailing '/' dropped */
        assert_int_equal(term(pf, 0, 1)->field, MATCH_COMM);
        assert_int_equal(matcher_list_fields(pr),
                         1u << MATCH_COMM | 1u << MATCH_USER | 1u << MATCH_EXE | 1u << MATCH_CMDLINE);

        /* AND within a line, OR between lines; a fact not read never matches */
        struct proc_facts f = { .comm = "java", .uid = 4242, .has_uid = true };
        assert_true(matcher_list_match(pr, &f));
        f.uid = 1;
        assert_false(matcher_list_match(pr, &f));
        f = (struct proc_facts){ .comm = "java" };
        assert_false(matcher_list_match(pr, &f));
        /* a plain path with '[' matches itself; "&[&]" is a literal "&&" */
        f = (struct proc_facts){ .comm = "x", .exe = "/usr/bin/[x]", .cmdline = "run a&&b" };
        assert_true(matcher_list_match(pr, &f));
        f.exe = "/usr/bin/x"; /* and as a glob, its set */
        assert_true(matcher_list_match(pr, &f));
        f.cmdline = "run a&b";
        assert_false(matcher_list_match(pr, &f));
        /* globs: FNM_PATHNAME, '*' stays within one level */
        f = (struct proc_facts){ .comm = "job", .cgroup = "/batch/j1" };
        assert_true(matcher_list_match(pf, &f));
        f.cgroup = "/batch/j1/sub";
        assert_false(matcher_list_match(pf, &f));
        f = (struct proc_facts){ .comm = "srv", .exe = "/opt/a/bin/srv" };
        assert_true(matcher_list_match(&p.daemon.avoid, &f));
        f.exe = "/opt/a/b/bin/srv";
        assert_false(matcher_list_match(&p.daemon.avoid, &f));
        policy_free(&p);
}

/* One text in the new spelling in every key that takes a matcher. */
static const char every_key_conf[] =
        "[daemon]\n"
        "protect = comm:^sshd$ && user:0\n"
        "prefer = cmdline:--type=renderer && exe:/usr/lib/chromium/*\n"
        "avoid = cgroup:/system.slice/* && ^Xorg$\n"
        "[global]\n"
        "psi_full_avg10_above = 40\n"
        "protect = exe:/usr/bin/borg && user:root\n"
        "prefer = ^java$ && cgroup:/user.slice/*\n"
        "avoid = user:0 && cmdline:^/usr/sbin/\n"
        "[cgroup:web]\n"
        "path = /system.slice/nginx.service\n"
        "usage_above = 90%\n"
        "protect = cmdline:^nginx: master && user:0\n"
        "prefer = ^php-fpm && exe:/usr/sbin/php-fpm*\n"
        "avoid = cgroup:/system.slice/nginx.service && ^nginx$\n"
        "[supervisor:nginx]\n"
        "match = cmdline:^nginx: master && cgroup:/system.slice/nginx.service\n"
        "match = exe:/usr/sbin/nginx && user:root\n"
        "[adjust:db]\n"
        "match = comm:^postgres$ && user:0\n"
        "match = exe:/usr/lib/postgresql/*/bin/postgres && cgroup:/system.slice/postgresql.service\n"
        "oom_score_adj = -500\n";

static void test_matcher_every_key(void **state) {
        struct policy p;
        LOAD_WARNED(every_key_conf, &p, NULL);
        const struct matcher_list *lists[] = {
                &p.daemon.protect,   &p.daemon.prefer,        &p.daemon.avoid,         &p.global.protect,
                &p.global.prefer,    &p.global.avoid,         &p.cgroups[0].protect,   &p.cgroups[0].prefer,
                &p.cgroups[0].avoid, &p.supervisors[0].match, &p.supervisors[0].match, &p.adjust[0].match,
        };
        for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                for (size_t j = 0; j < lists[i]->n; j++)
                        assert_int_equal(lists[i]->items[j].n_terms, 2);
        assert_int_equal(p.supervisors[0].match.n, 2);
        assert_int_equal(p.adjust[0].match.n, 2);
        struct proc_facts pg = { .comm = "postgres", .uid = 0, .has_uid = true };
        assert_true(matcher_list_match(&p.adjust[0].match, &pg));
        pg.uid = 70;
        assert_false(matcher_list_match(&p.adjust[0].match, &pg));
        pg.exe = "/usr/lib/postgresql/15/bin/postgres";
        pg.cgroup = "/system.slice/postgresql.service";
        assert_true(matcher_list_match(&p.adjust[0].match, &pg));
        policy_free(&p);
        roundtrip(every_key_conf);
}

/* The old spelling old and the new one new load to the same policy (the
 * old one with the warnings want, the new one with none), and so do
 * they after policy_print; the printed old one warns no more. */
static void same_as(const char *old, const char *new, const char *const *want) {
        struct policy a, b;
        load_warned(old, &a, want);
        load_warned(new, &b, (const char *const[]){ NULL });
        assert_policy_equal(&a, &b);
        char *printed = print_to_string(&a);
        struct policy c;
        load_warned(printed, &c, (const char *const[]){ NULL });
        assert_policy_equal(&a, &c);
        free(printed);
        policy_free(&a);
        policy_free(&b);
        policy_free(&c);
}

#define SAME_AS(old, new, ...) same_as(old, new, (const char *const[]){ __VA_ARGS__, NULL })

static void test_old_adjust_selectors(void **state) {
        SAME_AS("[adjust:a]\ncomm = ^postgres$\noom_score_adj = 1\n",
                "[adjust:a]\nmatch = comm:^postgres$\noom_score_adj = 1\n",
                "t.conf:2: comm: deprecated, write \"match = comm:^postgres$\" instead");
        SAME_AS("[adjust:a]\ncmdline = -D /var/lib/pg\noom_score_adj = 1\n",
                "[adjust:a]\nmatch = cmdline:-D /var/lib/pg\noom_score_adj = 1\n",
                "t.conf:2: cmdline: deprecated, write \"match = cmdline:-D /var/lib/pg\" instead");
        SAME_AS("[adjust:a]\nexe = /usr/bin/[x]\noom_score_adj = 1\n",
                "[adjust:a]\nmatch = exe:/usr/bin/[x]\noom_score_adj = 1\n",
                "t.conf:2: exe: deprecated, write \"match = exe:/usr/bin/[x]\" instead");
        SAME_AS("[adjust:a]\ncgroup = /batch/*/\noom_score_adj = 1\n",
                "[adjust:a]\nmatch = cgroup:/batch/*\noom_score_adj = 1\n",
                "t.conf:2: cgroup: deprecated, write \"match = cgroup:/batch/*\" instead");
        SAME_AS("[adjust:a]\nuser = root\noom_score_adj = 1\n", "[adjust:a]\nmatch = user:root\noom_score_adj = 1\n",
                "t.conf:2: user: deprecated, write \"match = user:root\" instead");
        /* all given must match: one line, the terms in the order of the file */
        SAME_AS("[adjust:a]\nuser = 0\noom_score_adj = 1\ncomm = ^x$\nenforce = yes\n",
                "[adjust:a]\nmatch = user:0 && comm:^x$\noom_score_adj = 1\nenforce = yes\n",
                "t.conf:2: user: deprecated, write \"match = user:0 && comm:^x$\" instead",
                "t.conf:4: comm: deprecated, write \"match = user:0 && comm:^x$\" instead");
        /* with match lines: added to each */
        SAME_AS("[adjust:a]\nmatch = ^a$ && user:1\ncgroup = /b\noom_score_adj = 1\n",
                "[adjust:a]\nmatch = ^a$ && user:1 && cgroup:/b\noom_score_adj = 1\n",
                "t.conf:3: cgroup: deprecated, write \"match = ^a$ && user:1 && cgroup:/b\" instead");
        SAME_AS("[adjust:a]\nmatch = ^a$\nexe = /x\nmatch = ^b$\noom_score_adj = 1\n",
                "[adjust:a]\nmatch = ^a$ && exe:/x\nmatch = ^b$ && exe:/x\noom_score_adj = 1\n",
                "t.conf:3: exe: deprecated, end every match line with \" && exe:/x\" instead");
        /* same meaning: the old AND of selectors */
        struct policy p;
        LOAD_WARNED("[adjust:a]\ncomm = ^pg\nuser = 0\noom_score_adj = 1\n", &p,
                    "t.conf:2: comm: deprecated, write \"match = comm:^pg && user:0\" instead",
                    "t.conf:3: user: deprecated, write \"match = comm:^pg && user:0\" instead", NULL);
        const struct matcher_list *m = &p.adjust[0].match;
        assert_true(matcher_list_match(m, &(struct proc_facts){ .comm = "pgx", .uid = 0, .has_uid = true }));
        assert_false(matcher_list_match(m, &(struct proc_facts){ .comm = "pgx", .uid = 1, .has_uid = true }));
        assert_false(matcher_list_match(m, &(struct proc_facts){ .comm = "xpg", .uid = 0, .has_uid = true }));
        policy_free(&p);

        /* "&&" in an old regex is literal text: the new spelling says so */
        struct policy q;
        LOAD_WARNED("[adjust:a]\ncmdline = a && b\noom_score_adj = 1\n", &p,
                    "t.conf:2: cmdline: deprecated, write \"match = cmdline:a &[&] b\" instead", NULL);
        LOAD_WARNED("[adjust:a]\nmatch = cmdline:a &[&] b\noom_score_adj = 1\n", &q, NULL);
        assert_string_equal(p.adjust[0].match.items[0].source, q.adjust[0].match.items[0].source);
        const struct proc_facts yes = { .cmdline = "x a && b" }, no = { .cmdline = "x a & b" };
        assert_true(matcher_list_match(&p.adjust[0].match, &yes) && matcher_list_match(&q.adjust[0].match, &yes));
        assert_false(matcher_list_match(&p.adjust[0].match, &no) || matcher_list_match(&q.adjust[0].match, &no));
        policy_free(&p);
        policy_free(&q);
}

static void test_old_supervisor_cgroup(void **state) {
        static const char rule[] = "[cgroup:w]\npath = /w\nusage_above = 90%\n";
        char old[256], new[256];
        snprintf(old, sizeof(old), "%s[supervisor:s]\ncgroup = /w/\nmax_restarts = 3\n", rule);
        snprintf(new, sizeof(new), "%s[supervisor:s]\nmatch = cgroup:/w\nmax_restarts = 3\n", rule);
        SAME_AS(old, new, "t.conf:5: cgroup: deprecated, write \"match = cgroup:/w\" instead");
        snprintf(old, sizeof(old), "%s[supervisor:s]\ncgroup = /w\nmatch = cmdline:^nginx: master\n", rule);
        snprintf(new, sizeof(new), "%s[supervisor:s]\nmatch = cmdline:^nginx: master && cgroup:/w\n", rule);
        SAME_AS(old, new,
                "t.conf:5: cgroup: deprecated, write \"match = cmdline:^nginx: master && cgroup:/w\" instead");
        snprintf(old, sizeof(old), "%s[supervisor:s]\nmatch = ^a$\nmatch = ^b$\ncgroup = /w/*\n", rule);
        snprintf(new, sizeof(new), "%s[supervisor:s]\nmatch = ^a$ && cgroup:/w/*\nmatch = ^b$ && cgroup:/w/*\n", rule);
        SAME_AS(old, new, "t.conf:7: cgroup: deprecated, end every match line with \" && cgroup:/w/*\" instead");
}

static void test_old_cgroup_regex(void **state) {
        /* not starting with '/': the regex it was, in every matcher key */
        struct policy p;
        LOAD_WARNED(
                "[daemon]\nprotect = cgroup:^/system\\.slice/\n"
                "[global]\npsi_full_avg10_above = 40\nprefer = cgroup:^/a/b$\n"
                "[cgroup:w]\npath = /w\nusage_above = 90%\navoid = ^x$ && cgroup:docker-\n"
                "[supervisor:s]\nmatch = cgroup:^/w$\n"
                "[adjust:a]\nmatch = cgroup:\\.scope$\noom_score_adj = 1\n",
                &p,
                "t.conf:2: protect: \"cgroup:^/system\\.slice/\": a regex after cgroup: is deprecated, write a path "
                "glob (e.g. cgroup:/system.slice/*) instead",
                "t.conf:5: prefer: \"cgroup:^/a/b$\": a regex after cgroup: is deprecated, write the path glob "
                "cgroup:/a/b instead",
                "t.conf:9: avoid: \"cgroup:docker-\": a regex after cgroup: is deprecated, write a path glob (e.g. "
                "cgroup:/system.slice/*) instead",
                "t.conf:11: match: \"cgroup:^/w$\": a regex after cgroup: is deprecated, write the path glob "
                "cgroup:/w instead",
                "t.conf:13: match: \"cgroup:\\.scope$\": a regex after cgroup: is deprecated, write a path glob "
                "(e.g. cgroup:/system.slice/*) instead",
                NULL);
        assert_int_equal(term(&p.daemon.protect, 0, 0)->kind, MATCH_REGEX);
        assert_int_equal(term(&p.adjust[0].match, 0, 0)->kind, MATCH_REGEX);
        /* a regex: at any depth, anywhere in the path unless anchored */
        struct proc_facts f = { .comm = "x", .cgroup = "/system.slice/a/b.service" };
        assert_true(matcher_list_match(&p.daemon.protect, &f));
        f.cgroup = "/user.slice/system.slice/";
        assert_false(matcher_list_match(&p.daemon.protect, &f));
        f.cgroup = "/system.slice/docker-1.scope";
        assert_true(matcher_list_match(&p.cgroups[0].avoid, &f));
        assert_true(matcher_list_match(&p.adjust[0].match, &f));
        /* printed as it was written: it reads back the same, warned again */
        char *printed = print_to_string(&p);
        assert_non_null(strstr(printed, "\nprotect = cgroup:^/system\\.slice/\n"));
        free(printed);
        policy_free(&p);

        /* starting with '/': a glob; one that looks like a regex is warned */
        LOAD_WARNED(
                "[daemon]\nprotect = cgroup:/a/.*\navoid = cgroup:/(a|b)\nprefer = cgroup:/a.slice/*\n"
                "[global]\npsi_full_avg10_above = 40\n",
                &p,
                "t.conf:2: protect: \"cgroup:/a/.*\" looks like a regex, but cgroup: takes a path glob ('*' any "
                "name within one level, '?' one character)",
                "t.conf:3: avoid: \"cgroup:/(a|b)\" looks like a regex, but cgroup: takes a path glob ('*' any "
                "name within one level, '?' one character)",
                NULL);
        assert_int_equal(term(&p.daemon.protect, 0, 0)->kind, MATCH_GLOB);
        f.cgroup = "/a/.x";
        assert_true(matcher_list_match(&p.daemon.protect, &f));
        f.cgroup = "/a/x";
        assert_false(matcher_list_match(&p.daemon.protect, &f));
        policy_free(&p);
}

/* A cgroup: term with a plain path (no * ? [) is that cgroup and every
 * one below it: protect = cgroup:/system.slice/postgresql.service keeps
 * protecting what the old regex spelling protected there. */
/* Many sections (the names' hash set grows and rehashes): a duplicate
 * far down is still found with its first line, and the same name in
 * another kind of section is no duplicate. */
static void test_many_sections(void **state) {
        enum { N = 30000 };
        size_t size = (size_t)N * 64 + 256, len = 0;
        char *text = malloc(size);
        assert_non_null(text);
        for (int i = 0; i < N; i++)
                len += (size_t)snprintf(text + len, size - len, "[cgroup:r%d]\npath = /r%d\nusage_above = 90%%\n", i,
                                        i);
        len += (size_t)snprintf(
                text + len, size - len,
                "[adjust:r7]\nmatch = comm:x\noom_score_adj = 1\n[cgroup:r7]\npath = /x\nusage_above = 1%%\n");
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load(text, &p, &e), -EINVAL);
        assert_int_equal(e.n, 1);
        char want[128];
        snprintf(want, sizeof(want), "t.conf:%d: [cgroup:r7]: duplicate section (first on line 22)", 3 * N + 4);
        assert_string_equal(e.msgs[0], want);
        config_errors_free(&e);
        free(text);
}

static void test_cgroup_term_subtree(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[daemon]\nprotect = cgroup:/system.slice/pg.service\n"
                              "[global]\nmem_available_below = 5%\n",
                              &p, &e),
                         0);
        struct proc_facts in = { .comm = "postgres", .cgroup = "/system.slice/pg.service" };
        struct proc_facts below = { .comm = "postgres", .cgroup = "/system.slice/pg.service/worker" };
        struct proc_facts beside = { .comm = "postgres", .cgroup = "/system.slice/pg.service2" };
        assert_true(matcher_list_match(&p.daemon.protect, &in));
        assert_true(matcher_list_match(&p.daemon.protect, &below));
        assert_false(matcher_list_match(&p.daemon.protect, &beside));
        policy_free(&p);
        config_errors_free(&e);
}

static void test_matcher_syntax_errors(void **state) {
        EXPECT_ERRORS(
                "[daemon]\n"
                "protect = comm:^sshd$ &&\n"
                "prefer = && cmdline:worker\n"
                "avoid = ^a$ && && ^b$\n"
                "protect = ^a$ && exe:bin/x\n"
                "protect = ^a$ && user:\n"
                "protect = cgroup:/a && cmdline:(\n"
                "[global]\n"
                "psi_full_avg10_above = 40\n"
                "[supervisor:s]\n"
                "match = user:no-such-user-x && ^a$\n"
                "[adjust:a]\n"
                "match = ^a$ && exe:\n"
                "oom_score_adj = 1\n"
                "[adjust:b]\n"
                "exe = relative\n"
                "oom_score_adj = 1\n",
                "t.conf:2: protect: empty term: nothing after \"&&\"",
                "t.conf:3: prefer: empty term: nothing before \"&&\"",
                "t.conf:4: avoid: empty term: nothing between two \"&&\"",
                "t.conf:5: protect: \"bin/x\" is not absolute (an executable's path starts with '/')",
                "t.conf:6: protect: empty pattern after \"user:\"",
                "t.conf:7: protect: invalid regex \"(\": Unmatched ( or \\(",
                "t.conf:11: match: unknown user \"no-such-user-x\"",
                "t.conf:10: [supervisor:s]: say which processes are supervisors (match = FIELD:PATTERN)",
                "t.conf:13: match: empty pattern after \"exe:\"",
                "t.conf:16: exe: \"relative\" is not absolute (an executable's path starts with '/')");
}

static void test_print_format(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[daemon]\nprotect = ^sshd$\nprotect = user:root\n"
                              "[global]\nmem_available_below = 1536M\n"
                              "[cgroup:web]\npath = /w\nusage_above = 90%\nfor = 5s\n"
                              "prefer = cmdline:worker\nforecast_below = 30s\n",
                              &p, &e),
                         0);
        char *out = print_to_string(&p);
        assert_string_equal(out,
                            "# effective policy of t.conf\n"
                            "\n[daemon]\n"
                            "interval = 100ms\n"
                            "rescan_interval = 10s\n"
                            "dry_run = no\n"
                            "kill_grace = 0\n"
                            "kill_timeout = 2s\n"
                            "post_kill_delay = 1s\n"
                            "max_kills_per_minute = 10\n"
                            "protect = ^sshd$\n"
                            "protect = user:root\n"
                            "# prefer = (unset)\n"
                            "# avoid = (unset)\n"
                            "# hook = (unset)\n"
                            "hook_timeout = 10s\n"
                            "report_dir = /var/lib/oomguard/reports\n"
                            "report_max_files = 1000\n"
                            "report_max_bytes = 64M\n"
                            "metrics_file = /run/oomguard/metrics/oomguard.prom\n"
                            "metrics_interval = 10s\n"
                            "# metrics_listen = (unset)\n"
                            "metrics_user = nobody\n"
                            "\n[global]\n"
                            "mem_available_below = 1536M\n"
                            "# swap_free_below = (unset)\n"
                            "psi_mem_available_below = 20%\n"
                            "# psi_some_avg10_above = (unset)\n"
                            "# psi_full_avg10_above = (unset)\n"
                            "# watermark_below = (unset)\n"
                            "thresholds = any\n"
                            "for = 0\n"
                            "action = kill\n"
                            "# leak_warn_within = (unset)\n"
                            "leak_window = 1h\n"
                            "# protect = (unset)\n"
                            "# prefer = (unset)\n"
                            "# avoid = (unset)\n"
                            "\n[cgroup:web]\n"
                            "path = /w\n"
                            "usage_above = 90%\n"
                            "# headroom_below = (unset)\n"
                            "forecast_below = 30s\n"
                            "# failcnt_rate_above = (unset)\n"
                            "# psi_some_avg10_above = (unset)\n"
                            "# psi_full_avg10_above = (unset)\n"
                            "thresholds = any\n"
                            "for = 5s\n"
                            "action = kill\n"
                            "supervisor_first = no\n"
                            "# tripwire = (unset)\n"
                            "oom_handler = no\n"
                            "# leak_warn_within = (unset)\n"
                            "leak_window = 1h\n"
                            "reclaim_first = no\n"
                            "# protect = (unset)\n"
                            "prefer = cmdline:worker\n"
                            "# avoid = (unset)\n"
                            "# warn_failcnt_rate = (unset)\n"
                            "# warn_high_rate = (unset)\n"
                            "# warn_oom_rate = (unset)\n"
                            "warn_clear_after = 1m\n");
        free(out);
        policy_free(&p);
}

/* Limit-hit alarms: a rule of alarms alone is a rule (a rule that kills
 * may alarm too); "10/s", a bare number and "any" (0) are rates. */
static void test_alarm_keys(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[cgroup:a]\npath = /a\nwarn_failcnt_rate = 10/s\nwarn_high_rate = 0.5\n"
                              "warn_oom_rate = any\nwarn_clear_after = 20s\n",
                              &p, &e),
                         0);
        assert_int_equal(p.n_cgroups, 1);
        const struct alarm_rule *a = &p.cgroups[0].alarms;
        assert_true(a->failcnt_rate == 10 && a->high_rate == 0.5 && a->oom_rate == 0);
        assert_int_equal(a->clear_after_ns, 20 * NSEC_PER_SEC);
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        policy_print(&p, f);
        fclose(f);
        assert_non_null(strstr(out,
                               "warn_failcnt_rate = 10\nwarn_high_rate = 0.5\nwarn_oom_rate = any\n"
                               "warn_clear_after = 20s\n"));
        free(out);
        policy_free(&p);
        assert_int_equal(load("[cgroup:a]\npath = /a\nusage_above = 90%\n", &p, &e), 0);
        assert_false(alarm_rule_any_set(&p.cgroups[0].alarms));
        assert_int_equal(p.cgroups[0].alarms.clear_after_ns, ALARM_CLEAR_AFTER_DEFAULT_NS);
        policy_free(&p);
}

/* The leak forecast: a horizon alone is a rule (a warning), the window
 * defaults to 1h and lies between 10s and 30d; days are a unit. */
static void test_leak_keys(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[global]\nleak_warn_within = 1d\n"
                              "[cgroup:a]\npath = /a\nleak_warn_within = 24h\nleak_window = 6h\n"
                              "[cgroup:b]\npath = /b\nusage_above = 90%\n",
                              &p, &e),
                         0);
        assert_int_equal(p.global.leak.warn_within_ns, 86400 * NSEC_PER_SEC);
        assert_int_equal(p.global.leak.window_ns, 3600 * NSEC_PER_SEC);
        assert_int_equal(p.cgroups[0].leak.warn_within_ns, 86400 * NSEC_PER_SEC);
        assert_int_equal(p.cgroups[0].leak.window_ns, 6 * 3600 * NSEC_PER_SEC);
        assert_int_equal(p.cgroups[1].leak.warn_within_ns, 0);
        assert_int_equal(p.cgroups[1].leak.window_ns, 3600 * NSEC_PER_SEC);
        policy_free(&p);
        EXPECT_ERRORS(
                "[cgroup:a]\npath = /a\nleak_warn_within = 0\nleak_window = 9s\n"
                "[cgroup:b]\npath = /b\nleak_warn_within = 1h\nleak_window = 31d\n"
                "[cgroup:c]\npath = /c\nleak_window = 1h\n",
                "t.conf:3: leak_warn_within: must be greater than 0",
                "t.conf:4: leak_window: \"9s\" out of range (a trend's window: 10s to 30d)",
                "t.conf:1: [cgroup:a]: no threshold set; the rule would never fire",
                "t.conf:8: leak_window: \"31d\" out of range (a trend's window: 10s to 30d)",
                "t.conf:9: [cgroup:c]: no threshold set; the rule would never fire");
}

/* report_dir = (empty) is a value, reports off; a directory is absolute,
 * its trailing slashes dropped; report_max_* above 0. */
static void test_report_keys(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[daemon]\nreport_dir =\n[global]\npsi_full_avg10_above = 40\n", &p, &e), 0);
        assert_string_equal(p.daemon.report_dir, "");
        policy_free(&p);
        assert_int_equal(load("[daemon]\nreport_dir = /r//\nreport_max_files = 3\nreport_max_bytes = 1.5k\n"
                              "[global]\npsi_full_avg10_above = 40\n",
                              &p, &e),
                         0);
        assert_string_equal(p.daemon.report_dir, "/r");
        assert_int_equal(p.daemon.report_max_files, 3);
        assert_int_equal(p.daemon.report_max_bytes, 1536);
        policy_free(&p);
        expect_errors(
                "[daemon]\nreport_dir = reports\nreport_max_files = 0\nreport_max_bytes = 0\n"
                "[global]\npsi_full_avg10_above = 40\n",
                (const char *const[]){ "t.conf:2: report_dir: \"reports\" is not absolute (a directory starts "
                                       "with '/')",
                                       "t.conf:3: report_max_files: must be greater than 0",
                                       "t.conf:4: report_max_bytes: must be greater than 0", NULL });
        roundtrip(
                "[daemon]\nreport_dir =\nreport_max_files = 1\nreport_max_bytes = 1\n[global]\nmem_available_below = 5%\n");
        roundtrip("[daemon]\nreport_dir = /a b/c\nreport_max_bytes = 3G\n[global]\nmem_available_below = 5%\n");
}

/* metrics_file = (empty) is off; a file's path is absolute and does not
 * end in '/'; metrics_interval above 0. */
static void test_metrics_keys(void **state) {
        struct config_errors e = { 0 };
        struct policy p;
        assert_int_equal(load("[daemon]\nmetrics_file =\n[global]\npsi_full_avg10_above = 40\n", &p, &e), 0);
        assert_string_equal(p.daemon.metrics_file, "");
        policy_free(&p);
        assert_int_equal(load("[daemon]\nmetrics_file = /m/o.prom\nmetrics_interval = 1.5s\n"
                              "[global]\npsi_full_avg10_above = 40\n",
                              &p, &e),
                         0);
        assert_string_equal(p.daemon.metrics_file, "/m/o.prom");
        assert_int_equal(p.daemon.metrics_interval_ns, 1500 * NSEC_PER_MSEC);
        policy_free(&p);
        expect_errors("[daemon]\nmetrics_file = m.prom\nmetrics_interval = 0\n[global]\npsi_full_avg10_above = 40\n",
                      (const char *const[]){ "t.conf:2: metrics_file: \"m.prom\" is not absolute (a file's path starts "
                                             "with '/')",
                                             "t.conf:3: metrics_interval: must be greater than 0", NULL });
        expect_errors("[daemon]\nmetrics_file = /run/m/\n[global]\npsi_full_avg10_above = 40\n",
                      (const char *const[]){ "t.conf:2: metrics_file: \"/run/m/\" is a directory (a file's path "
                                             "does not end in '/')",
                                             NULL });
        roundtrip("[daemon]\nmetrics_file =\nmetrics_interval = 1m\n[global]\nmem_available_below = 5%\n");
        roundtrip("[daemon]\nmetrics_file = /a b/c.prom\n[global]\nmem_available_below = 5%\n");
}

static void test_reload_twice(void **state) {
        /* The loader sets inih's global knobs each time; a second load of
         * the same text gives the same result. */
        for (int i = 0; i < 2; i++) {
                struct config_errors e = { 0 };
                struct policy p;
                assert_int_equal(load(full_conf, &p, &e), 0);
                assert_int_equal(p.n_cgroups, 2);
                policy_free(&p);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_alarm_keys),
                cmocka_unit_test(test_valid_full),
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_action_names),
                cmocka_unit_test(test_value_errors),
                cmocka_unit_test(test_cgroup_errors),
                cmocka_unit_test(test_kill_path_errors),
                cmocka_unit_test(test_matcher_errors),
                cmocka_unit_test(test_matcher_values),
                cmocka_unit_test(test_discarded_sections_free_matchers),
                cmocka_unit_test(test_structure_errors),
                cmocka_unit_test(test_line_numbers),
                cmocka_unit_test(test_long_lines),
                cmocka_unit_test(test_no_rules),
                cmocka_unit_test(test_many_errors),
                cmocka_unit_test(test_cannot_open),
                cmocka_unit_test(test_long_text_is_cut),
                cmocka_unit_test(test_print_roundtrip),
                cmocka_unit_test(test_adjust_values),
                cmocka_unit_test(test_adjust_errors),
                cmocka_unit_test(test_print_format),
                cmocka_unit_test(test_thresholds_mode),
                cmocka_unit_test(test_one_section_alone),
                cmocka_unit_test(test_metrics_keys),
                cmocka_unit_test(test_reload_twice),
                cmocka_unit_test(test_report_keys),
                cmocka_unit_test(test_leak_keys),
                cmocka_unit_test(test_matcher_terms),
                cmocka_unit_test(test_matcher_every_key),
                cmocka_unit_test(test_old_adjust_selectors),
                cmocka_unit_test(test_old_supervisor_cgroup),
                cmocka_unit_test(test_old_cgroup_regex),
                cmocka_unit_test(test_matcher_syntax_errors),
                cmocka_unit_test(test_cgroup_term_subtree),
                cmocka_unit_test(test_many_sections),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
