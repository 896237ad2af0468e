/* The Prometheus text (outputs/metrics.c) and its counters
 * (outputs/metrics_counters.c): escaping, order, what is left out, the
 * tables' bounds, the histogram. */
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>

#include "outputs/metrics.h"
#include "util.h"

#define MiB (UINT64_C(1) << 20)
#define ID "3f1c0a9d4e5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"
#define UID "5f8c1a2e-6b1d-4b3a-9c1e-2a4f6d8e0b1c"

static const char *const actions[] = { "warn", "kill", "kill-cgroup", "reclaim", "stop" };
static char text[256 * 1024];

static struct cgroup_view view(const char *path, uint64_t usage, uint64_t limit) {
        return (struct cgroup_view){ .path = path,
                                     .valid = true,
                                     .stats = { .usage = usage, .limit = limit, .failcnt = 7 },
                                     .d = { .working_set = usage / 2, .time_to_limit_s = -1 } };
}

static size_t format(const struct cgroup_view *v, size_t n, const struct metrics_counters *c) {
        static struct machine_view m = { .has_mem = true, .has_psi = true };
        m.mem.mem_available = 1000 * MiB;
        m.mem.swap_free = 5;
        m.psi = (struct psi){ .some = { .avg10 = 12.5 }, .full = { .avg10 = 3 }, .has_full = true };
        const struct metrics_input in = { .views = v,
                                          .n_views = n,
                                          .machine = &m,
                                          .counters = c,
                                          .action_names = actions,
                                          .n_actions = ELEMENTSOF(actions),
                                          .version = "1.2.3" };
        size_t len = metrics_format(&in, text, sizeof(text));
        assert_true(len < sizeof(text));
        assert_int_equal(strlen(text), len);
        return len;
}

/* line must be in text, whole; returns where. */
static const char *has_line(const char *line) {
        size_t n = strlen(line);
        for (const char *p = text; (p = strstr(p, line)); p++)
                if ((p == text || p[-1] == '\n') && p[n] == '\n')
                        return p;
        fail_msg("missing line: %s\n--- text:\n%s", line, text);
        return NULL;
}

static void test_escape(void **state) {
        char out[64];
        metrics_escape_label("a\\b\"c\nd", out, sizeof(out));
        assert_string_equal(out, "a\\\\b\\\"c\\nd");
        /* valid UTF-8 kept; each byte of an invalid sequence becomes U+FFFD */
        metrics_escape_label("caf\xc3\xa9 \xff\xc3(", out, sizeof(out));
        assert_string_equal(out, "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd(");
        /* overlong '/' and a surrogate are not UTF-8 */
        metrics_escape_label("\xc0\xaf\xed\xa0\x80", out, sizeof(out));
        assert_int_equal(strlen(out), 5 * 3);
        /* cut on a whole piece: never half an escape */
        assert_int_equal(metrics_escape_label("ab\\", out, 4), 2);
        assert_string_equal(out, "ab");
        assert_int_equal(metrics_escape_label("a\xc3\xa9", out, 3), 1);
}

static void test_cgroups(void **state) {
        struct cgroup_view v[4] = {
                view("/web", 200 * MiB, 256 * MiB),
                view("/x\"y\\z\nw", 10, BYTES_UNLIMITED),
                view("/gone", 1, 2),
                view("/kubepods.slice/kubepods-pod" UID ".slice/cri-containerd-" ID ".scope", 3, 4),
        };
        v[2].valid = false;
        v[0].d.time_to_limit_s = 3600.4;
        v[0].stats.has_psi = true;
        v[0].stats.psi = (struct psi){ .some = { .avg10 = 50 }, .full = { .avg10 = 1.5 }, .has_full = true };
        format(v, 4, NULL);
        has_line("# TYPE oomguard_build_info gauge");
        has_line("oomguard_build_info{version=\"1.2.3\"} 1");
        has_line("oomguard_machine_memory_available_bytes 1048576000");
        has_line("oomguard_machine_swap_free_bytes 5");
        has_line("oomguard_machine_memory_pressure_some_ratio 0.1250");
        has_line("oomguard_machine_memory_pressure_full_ratio 0.0300");
        const char *a = has_line("oomguard_cgroup_memory_usage_bytes{cgroup=\"/web\"} 209715200");
        const char *b = has_line("oomguard_cgroup_memory_usage_bytes{cgroup=\"/x\\\"y\\\\z\\nw\"} 10");
        assert_true(a < b); /* the views' order */
        has_line("oomguard_cgroup_memory_limit_bytes{cgroup=\"/web\"} 268435456");
        assert_null(strstr(text, "oomguard_cgroup_memory_limit_bytes{cgroup=\"/x")); /* unlimited: no sample */
        assert_null(strstr(text, "/gone"));                                          /* not read this tick */
        has_line("oomguard_cgroup_memory_working_set_bytes{cgroup=\"/web\"} 104857600");
        has_line("# TYPE oomguard_cgroup_memory_failcnt_total counter");
        has_line("oomguard_cgroup_memory_failcnt_total{cgroup=\"/web\"} 7");
        has_line("oomguard_cgroup_memory_pressure_some_ratio{cgroup=\"/web\"} 0.5000");
        has_line("oomguard_cgroup_memory_pressure_full_ratio{cgroup=\"/web\"} 0.0150");
        assert_null(strstr(text, "pressure_some_ratio{cgroup=\"/x")); /* no PSI read */
        has_line("oomguard_cgroup_memory_time_to_limit_seconds{cgroup=\"/web\"} 3600");
        assert_null(strstr(text, "time_to_limit_seconds{cgroup=\"/x")); /* no forecast */
        has_line("oomguard_cgroup_memory_usage_bytes{cgroup=\"/kubepods.slice/kubepods-pod" UID
                 ".slice/cri-containerd-" ID ".scope\",container=\"" ID "\",pod=\"" UID "\"} 3");
        /* the families in their order, HELP before TYPE before samples */
        const char *help = has_line(
                "# HELP oomguard_cgroup_memory_usage_bytes Memory charged to the cgroup (v1 "
                "memory.usage_in_bytes, v2 memory.current).");
        const char *type = has_line("# TYPE oomguard_cgroup_memory_usage_bytes gauge");
        assert_true(help < type && type < a);
        assert_true(a < has_line("# TYPE oomguard_cgroup_memory_limit_bytes gauge"));
        assert_null(strstr(text, "oomguard_actions_total")); /* no counters given */
}

static void test_counters(void **state) {
        static struct metrics_counters c;
        metrics_counters_init(&c);
        metrics_rules_begin(&c);
        metrics_rule_declare(&c, "web", 1);
        metrics_rule_declare(&c, "quiet", 0);
        metrics_count_action(&c, "web", 1, METRICS_DONE);
        metrics_count_action(&c, "web", 1, METRICS_DONE);
        metrics_count_action(&c, "web", 1, METRICS_NO_VICTIM);
        metrics_count_action(&c, "old", 4, METRICS_FAILED); /* a rule gone from the policy */
        metrics_count_warning(&c, "web", WARNING_LEAK);
        metrics_count_kernel_kill(&c, "/kube/a\"b");
        metrics_count_kernel_kill(&c, "/kube/a\"b");
        metrics_count_kernel_kill(&c, "");
        format(NULL, 0, &c);
        has_line("# TYPE oomguard_actions_total counter");
        has_line("oomguard_actions_total{rule=\"web\",action=\"kill\",outcome=\"done\"} 2");
        has_line("oomguard_actions_total{rule=\"web\",action=\"kill\",outcome=\"no-victim\"} 1");
        has_line("oomguard_actions_total{rule=\"web\",action=\"kill\",outcome=\"pending\"} 0"); /* declared: 0 */
        has_line("oomguard_actions_total{rule=\"quiet\",action=\"warn\",outcome=\"done\"} 0");
        assert_null(strstr(text, "rule=\"web\",action=\"stop\"")); /* not its action, never counted */
        has_line("oomguard_actions_total{rule=\"old\",action=\"stop\",outcome=\"failed\"} 1");
        assert_null(strstr(text, "rule=\"old\",action=\"stop\",outcome=\"done\""));
        has_line("oomguard_warnings_total{rule=\"web\",kind=\"leak\"} 1");
        has_line("oomguard_warnings_total{rule=\"web\",kind=\"failcnt\"} 0");
        assert_null(strstr(text, "oomguard_warnings_total{rule=\"old\"")); /* gone, no warnings */
        has_line("oomguard_kernel_oom_kills_total{cgroup=\"/kube/a\\\"b\"} 2");
        has_line("oomguard_kernel_oom_kills_total{cgroup=\"/\"} 1"); /* the machine */
        /* a reload: "web" leaves the policy, its counts stay */
        metrics_rules_begin(&c);
        metrics_rule_declare(&c, "quiet", 0);
        format(NULL, 0, &c);
        has_line("oomguard_actions_total{rule=\"web\",action=\"kill\",outcome=\"done\"} 2");
        assert_null(strstr(text, "rule=\"web\",action=\"kill\",outcome=\"pending\""));
}

/* Past the bound the least recent entry is folded into "(other)": every
 * total stays, and the file stays bounded. */
static void test_bounds(void **state) {
        static struct metrics_counters c;
        char name[32];
        metrics_counters_init(&c);
        for (int i = 0; i < METRICS_KERNEL_CGROUPS_MAX + 5; i++) {
                snprintf(name, sizeof(name), "/cg%d", i);
                metrics_count_kernel_kill(&c, name);
                metrics_count_kernel_kill(&c, "/busy"); /* always the most recent but one */
        }
        format(NULL, 0, &c);
        unsigned long long total = 0, v, lines = 0;
        for (const char *p = text; (p = strstr(p, "oomguard_kernel_oom_kills_total{")); p++) {
                assert_non_null(strchr(p, '}'));
                assert_int_equal(sscanf(strchr(p, '}'), "} %llu", &v), 1);
                total += v, lines++;
        }
        assert_int_equal(total, 2 * (METRICS_KERNEL_CGROUPS_MAX + 5));
        assert_int_equal(lines, METRICS_KERNEL_CGROUPS_MAX);
        has_line("oomguard_kernel_oom_kills_total{cgroup=\"(other)\"} 7");
        has_line("oomguard_kernel_oom_kills_total{cgroup=\"/busy\"} 133");
        assert_null(strstr(text, "cgroup=\"/cg0\"")); /* the least recent */
        /* rules: declared ones are never evicted; gone ones are */
        metrics_counters_init(&c);
        metrics_rules_begin(&c);
        metrics_rule_declare(&c, "kept", 1);
        for (int i = 0; i < METRICS_RULES_MAX + 3; i++) {
                snprintf(name, sizeof(name), "r%d", i);
                metrics_count_action(&c, name, 1, METRICS_DONE);
        }
        metrics_count_action(&c, "(other)", 1, METRICS_DONE); /* a rule of that name joins it */
        format(NULL, 0, &c);
        has_line("oomguard_actions_total{rule=\"kept\",action=\"kill\",outcome=\"pending\"} 0");
        has_line("oomguard_actions_total{rule=\"(other)\",action=\"kill\",outcome=\"done\"} 6");
        has_line("oomguard_actions_total{rule=\"r66\",action=\"kill\",outcome=\"done\"} 1");
        assert_null(strstr(text, "rule=\"r0\""));
}

static void test_histogram(void **state) {
        static struct metrics_counters c;
        metrics_counters_init(&c);
        metrics_observe_tick(&c, 50 * 1000);        /* 50 us: the first bucket */
        metrics_observe_tick(&c, 100 * 1000);       /* on a bound: le is inclusive */
        metrics_observe_tick(&c, 300 * 1000);       /* 0.5 ms */
        metrics_observe_tick(&c, 3 * NSEC_PER_SEC); /* past the last bound: +Inf only */
        format(NULL, 0, &c);
        has_line("# TYPE oomguard_tick_duration_seconds histogram");
        const char *first = has_line("oomguard_tick_duration_seconds_bucket{le=\"0.0001\"} 2");
        has_line("oomguard_tick_duration_seconds_bucket{le=\"0.00025\"} 2");
        has_line("oomguard_tick_duration_seconds_bucket{le=\"0.0005\"} 3");
        has_line("oomguard_tick_duration_seconds_bucket{le=\"1\"} 3");
        const char *last = has_line("oomguard_tick_duration_seconds_bucket{le=\"2.5\"} 3");
        const char *inf = has_line("oomguard_tick_duration_seconds_bucket{le=\"+Inf\"} 4");
        const char *sum = has_line("oomguard_tick_duration_seconds_sum 3.000450000");
        const char *count = has_line("oomguard_tick_duration_seconds_count 4");
        assert_true(first < last && last < inf && inf < sum && sum < count);
}

/* The gap between tick starts: the longest since the last reset, the
 * gap across a reset counted after it; a clock that did not move is no gap. */
static void test_tick_gap(void **state) {
        static struct metrics_counters c;
        metrics_counters_init(&c);
        format(NULL, 0, &c);
        has_line("# TYPE oomguard_tick_gap_max_seconds gauge");
        has_line("oomguard_tick_gap_max_seconds 0.000000"); /* no tick yet */
        metrics_observe_tick_start(&c, 5 * NSEC_PER_SEC);   /* the first: no gap */
        metrics_observe_tick_start(&c, 5 * NSEC_PER_SEC + 100 * NSEC_PER_MSEC);
        metrics_observe_tick_start(&c, 7 * NSEC_PER_SEC + 600 * NSEC_PER_MSEC); /* 2.5 s */
        metrics_observe_tick_start(&c, 7 * NSEC_PER_SEC + 700 * NSEC_PER_MSEC);
        metrics_observe_tick_start(&c, 7 * NSEC_PER_SEC + 700 * NSEC_PER_MSEC);
        format(NULL, 0, &c);
        has_line("oomguard_tick_gap_max_seconds 2.500000");
        metrics_tick_gap_reset(&c);
        metrics_observe_tick_start(&c, 8 * NSEC_PER_SEC); /* 0.3 s across the reset */
        format(NULL, 0, &c);
        has_line("oomguard_tick_gap_max_seconds 0.300000");
}

/* The labels' scratch: the same text, each view's labels copied from the
 * first family; a cut first write remembers nothing it did not write. */
static void test_label_cache(void **state) {
        struct cgroup_view v[3] = { view("/a\"b", 1, 2), view("/kubepods/burstable/pod" UID "/" ID, 3, 4),
                                    view("/c", 5, BYTES_UNLIMITED) };
        struct metrics_label_ref refs[3];
        static char plain[8192];
        const struct metrics_input in = { .views = v, .n_views = 3 };
        size_t n = metrics_format(&in, plain, sizeof(plain));
        struct metrics_input cached = in;
        cached.labels = refs;
        assert_int_equal(metrics_format(&cached, text, sizeof(text)), n);
        assert_string_equal(text, plain);
        assert_int_equal(refs[1].len, strlen("cgroup=\"/kubepods/burstable/pod" UID "/" ID "\",container=\"" ID
                                             "\",pod=\"" UID "\""));
        for (size_t cut = 0; cut < n; cut += 97) {
                char small[8192];
                assert_int_equal(metrics_format(&cached, small, cut + 1), n);
                assert_memory_equal(small, plain, cut);
        }
}

/* Cut like snprintf: the length it needs, a NUL inside the buffer. */
static void test_cut(void **state) {
        struct cgroup_view v = view("/web", 1, 2);
        size_t whole = format(&v, 1, NULL);
        char small[100];
        memset(small, 'x', sizeof(small));
        const struct metrics_input in = { .views = &v, .n_views = 1 };
        size_t need = metrics_format(&in, small, sizeof(small));
        assert_true(need > sizeof(small));
        assert_int_equal(strlen(small), sizeof(small) - 1);
        assert_int_equal(metrics_format(&in, NULL, 0), need);
        assert_true(whole > need); /* format() had the machine too */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_escape),      cmocka_unit_test(test_cgroups),   cmocka_unit_test(test_counters),
                cmocka_unit_test(test_bounds),      cmocka_unit_test(test_histogram), cmocka_unit_test(test_cut),
                cmocka_unit_test(test_label_cache), cmocka_unit_test(test_tick_gap),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
