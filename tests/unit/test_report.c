/* The report's data model as text: ids and times, the JSON writer (valid,
 * bounded, escaped), the JSON reader, and a report read back from its
 * file exactly as it was written; the "key value" parser of memory.stat,
 * and the text made safe for a terminal. */
#include "testing.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "outputs/json_parse.h"
#include "outputs/report_internal.h"
#include "report_fixture.h"

#define T0 UINT64_C(1796120553123456789) /* 2026-12-01T10:22:33.123Z */

static char buf[REPORT_JSON_MAX], buf2[REPORT_JSON_MAX];
static struct json_token tokens[16384];
static struct report ra, rb;

static void test_time_and_id(void **state) {
        char t[40];
        uint64_t ns;
        report_format_time(T0, false, t, sizeof(t));
        assert_string_equal(t, "2026-12-01T10:22:33.123Z");
        report_format_time(T0, true, t, sizeof(t));
        assert_string_equal(t, "20261201T102233.123Z");
        assert_int_equal(report_parse_time("2026-12-01T10:22:33.123Z", &ns), 0);
        assert_true(ns == T0 / 1000000 * 1000000);
        assert_int_equal(report_parse_time("2026-12-01T10:22:33Z", &ns), 0);
        assert_true(ns == T0 / 1000000000 * 1000000000);
        assert_int_equal(report_parse_time("2026-12-01 10:22:33", &ns), -EINVAL);
        assert_int_equal(report_parse_time("2026-12-01T10:22:33.1+01:00", &ns), -EINVAL);
        /* ids: the compact time first, unique, in the order begun */
        char prev[REPORT_ID_MAX] = "";
        for (int i = 0; i < 12; i++) {
                report_begin(&ra, REPORT_WARNING, T0);
                assert_int_equal(strncmp(ra.id, "20261201T102233.123Z-", 21), 0);
                assert_true(strcmp(prev, ra.id) < 0);
                snprintf(prev, sizeof(prev), "%s", ra.id);
        }
        assert_int_equal(ra.kind, REPORT_WARNING);
        assert_false(ra.victim.has);
        assert_string_equal(report_kind_to_string(REPORT_KERNEL_OOM_KILL), "kernel-oom-kill");
}

/* Written, read back, written again: the same text, so the reader knows
 * every field the writer writes. */
static void roundtrip(const struct report *r) {
        char err[128];
        int n = report_json(r, buf, sizeof(buf));
        assert_true(n > 0);
        assert_int_equal((size_t)n, strlen(buf));
        assert_int_equal(buf[n - 1], '\n');
        if (report_parse(buf, (size_t)n, tokens, ELEMENTSOF(tokens), &rb, err, sizeof(err)) != 0)
                fail_msg("%s:\n%s", err, buf);
        int m = report_json(&rb, buf2, sizeof(buf2));
        if (m != n || strcmp(buf, buf2) != 0) {
                size_t i = 0;
                while (buf[i] == buf2[i])
                        i++;
                fail_msg("read back differs at byte %zu:\n%.120s\n%.120s", i, buf + (i > 60 ? i - 60 : 0),
                         buf2 + (i > 60 ? i - 60 : 0));
        }
}

static void test_json_roundtrip(void **state) {
        fixture_report(&ra, T0);
        roundtrip(&ra);
        assert_string_equal(rb.victim.cmdline, "java -Xmx200m -Dname=\"a\\b\"\n caf\xc3\xa9 end");
        assert_int_equal(rb.tree[3].relation, REPORT_REL_GROUP);
        assert_int_equal(rb.top[1].oom_score, REPORT_UNKNOWN);
        assert_int_equal(rb.freed_bytes, ra.freed_bytes);
        /* a byte that is not UTF-8 is written \u00XX and read back as U+00XX */
        snprintf(ra.victim.comm, sizeof(ra.victim.comm),
                 "a\xff"
                 "b");
        int n = report_json(&ra, buf, sizeof(buf));
        assert_non_null(strstr(buf, "\"comm\":\"a\\u00ffb\""));
        char err[64];
        assert_int_equal(report_parse(buf, (size_t)n, tokens, ELEMENTSOF(tokens), &rb, err, sizeof(err)), 0);
        assert_string_equal(rb.victim.comm,
                            "a\xc3\xbf"
                            "b");
        /* the machine, nothing known; a kernel kill with no cgroup */
        report_begin(&ra, REPORT_KERNEL_OOM_KILL, T0);
        snprintf(ra.kernel.constraint, sizeof(ra.kernel.constraint), "CONSTRAINT_NONE");
        ra.kernel.anon_rss_kb = 1024;
        ra.has_freed = true;
        ra.freed_bytes = -4096;
        roundtrip(&ra);
        assert_int_equal(rb.kind, REPORT_KERNEL_OOM_KILL);
        assert_int_equal(rb.kernel.anon_rss_kb, 1024);
        assert_int_equal(rb.freed_bytes, -4096);
        /* reclaim_first: a v1 step, escalated; and v2 memory.reclaim, not */
        fixture_report(&ra, T0);
        ra.reclaim = (struct report_reclaim){ .has = true,
                                              .escalated = true,
                                              .reclaimed_bytes = 133693440,
                                              .asked_bytes = 150000000,
                                              .v1_limit = 122880000,
                                              .ns = 5210000 };
        roundtrip(&ra);
        assert_non_null(strstr(buf,
                               "\"reclaim\":{\"reclaimed_bytes\":133693440,\"asked_bytes\":150000000,"
                               "\"v1_limit_bytes\":122880000,\"ms\":5.21,\"escalated\":true}"));
        assert_true(rb.reclaim.has && rb.reclaim.escalated);
        assert_int_equal(rb.reclaim.ns, 5210000);
        ra.reclaim.v1_limit = 0;
        ra.reclaim.escalated = false;
        roundtrip(&ra);
        assert_non_null(strstr(buf, "\"v1_limit_bytes\":null,\"ms\":5.21,\"escalated\":false}"));
        assert_int_equal(rb.reclaim.v1_limit, 0);
        fixture_report(&ra, T0); /* no reclaim: no key */
        report_json(&ra, buf, sizeof(buf));
        assert_null(strstr(buf, "\"reclaim\""));
}

/* The shape of the contract (oomguard(8), REPORTS), looked up the way a
 * script would. */
static void test_json_fields(void **state) {
        fixture_report(&ra, T0);
        int n = report_json(&ra, buf, sizeof(buf));
        int k = json_parse(buf, (size_t)n, tokens, ELEMENTSOF(tokens));
        assert_true(k > 0);
        struct json_doc d = { buf, tokens, (size_t)k };
        uint64_t u;
        char s[128];
        assert_true(json_u64(&d, json_member(&d, 0, "version"), &u) && u == 1);
        assert_true(json_string(&d, json_member(&d, 0, "kind"), s, sizeof(s)));
        assert_string_equal(s, "action");
        assert_true(json_string(&d, json_member(&d, 0, "time"), s, sizeof(s)));
        assert_string_equal(s, "2026-12-01T10:22:33.123Z");
        int cg = json_member(&d, 0, "cgroup");
        assert_true(json_u64(&d, json_member(&d, cg, "limit_bytes"), &u) && u == 268435456);
        assert_true(json_is(&d, json_member(&d, cg, "high_bytes"), JSON_NULL));
        assert_true(json_u64(&d, json_member(&d, json_member(&d, cg, "stat"), "mapped_file"), &u) && u == 12288);
        assert_true(json_is(&d, json_member(&d, 0, "pod"), JSON_NULL));
        assert_int_equal(json_length(&d, json_member(&d, 0, "tree")), 4);
        int t2 = json_element(&d, json_member(&d, 0, "tree"), 2);
        assert_true(json_string(&d, json_member(&d, t2, "relation"), s, sizeof(s)));
        assert_string_equal(s, "victim");
        assert_int_equal(json_member(&d, 0, "kernel"), -1); /* only for kernel-oom-kill */
        ra.cgroup.stats.limit = BYTES_UNLIMITED;
        ra.cgroup.derived.pct_of_limit = -1;
        ra.victim.has = false;
        n = report_json(&ra, buf, sizeof(buf));
        k = json_parse(buf, (size_t)n, tokens, ELEMENTSOF(tokens));
        d.n = (size_t)k;
        cg = json_member(&d, 0, "cgroup");
        assert_true(json_is(&d, json_member(&d, cg, "limit_bytes"), JSON_NULL));
        assert_true(json_is(&d, json_member(&d, cg, "percent_of_limit"), JSON_NULL));
        assert_true(json_is(&d, json_member(&d, 0, "victim"), JSON_NULL));
}

/* Every size too small is refused, and nothing is written past it. */
static void test_json_bounded(void **state) {
        fixture_report(&ra, T0);
        int n = report_json(&ra, buf, sizeof(buf));
        static char small[REPORT_JSON_MAX + 1];
        for (int size = 0; size <= n; size++) {
                memset(small, 'Z', sizeof(small));
                assert_int_equal(report_json(&ra, small, (size_t)size), -ENOBUFS);
                assert_int_equal(small[size], 'Z');
        }
        assert_int_equal(report_json(&ra, small, (size_t)n + 1), n);
}

/* The biggest report there can be: every string full of a byte that
 * escapes to 6 characters, every array full. It fits REPORT_JSON_MAX. */
static void fill(char *s, size_t size) {
        memset(s, '\x01', size - 1);
        s[size - 1] = '\0';
}

static void test_json_worst_case(void **state) {
        struct report *r = &ra;
        report_begin(r, REPORT_KERNEL_OOM_KILL, UINT64_MAX / 2);
        fill(r->id, sizeof(r->id));
        fill(r->rule, sizeof(r->rule));
        fill(r->action, sizeof(r->action));
        fill(r->reason, sizeof(r->reason));
        fill(r->outcome, sizeof(r->outcome));
        fill(r->wakeup, sizeof(r->wakeup));
        fill(r->hostname, sizeof(r->hostname));
        r->victim = (struct report_victim){ .has = true,
                                            .pid = INT_MIN,
                                            .ppid = INT_MIN,
                                            .uid = UINT_MAX,
                                            .state = 1,
                                            .rss_bytes = UINT64_MAX - 1,
                                            .swap_bytes = UINT64_MAX,
                                            .oom_score = INT_MIN + 1,
                                            .oom_score_adj = INT_MIN + 1,
                                            .start_time_ticks = UINT64_MAX,
                                            .start_time_ns = UINT64_MAX / 2 };
        fill(r->victim.comm, sizeof(r->victim.comm));
        fill(r->victim.cmdline, sizeof(r->victim.cmdline));
        r->cgroup.has = true;
        fill(r->cgroup.path, sizeof(r->cgroup.path));
        r->cgroup.stats = (struct memcg_stats){ .version = UINT_MAX,
                                                .usage = UINT64_MAX - 1,
                                                .limit = UINT64_MAX - 1,
                                                .high = UINT64_MAX - 1,
                                                .swap_usage = UINT64_MAX - 1,
                                                .swap_limit = UINT64_MAX - 1,
                                                .failcnt = UINT64_MAX,
                                                .oom = UINT64_MAX,
                                                .oom_kill = UINT64_MAX,
                                                .has_psi = true,
                                                .psi = { .some = { 100, 100, 100, UINT64_MAX },
                                                         .full = { 100, 100, 100, UINT64_MAX },
                                                         .has_full = true } };
        r->cgroup.derived = (struct cgroup_derived){ .working_set = UINT64_MAX,
                                                     .pct_of_limit = 1e300,
                                                     .failcnt_rate = 1e300,
                                                     .has_rates = true,
                                                     .time_to_limit_s = 1e300 };
        for (size_t i = 0; i < REPORT_STAT_MAX; i++) {
                fill(r->cgroup.stat[i].key, sizeof(r->cgroup.stat[i].key));
                r->cgroup.stat[i].value = UINT64_MAX;
        }
        r->cgroup.n_stat = REPORT_STAT_MAX;
        for (size_t i = 0; i < REPORT_EVENTS_MAX; i++) {
                fill(r->cgroup.events[i].key, sizeof(r->cgroup.events[i].key));
                r->cgroup.events[i].value = UINT64_MAX;
        }
        r->cgroup.n_events = REPORT_EVENTS_MAX;
        r->cgroup.usage_after = UINT64_MAX - 1;
        r->cgroup.has_usage_after = true;
        fill(r->identity.runtime, sizeof(r->identity.runtime));
        fill(r->identity.container_id, sizeof(r->identity.container_id));
        fill(r->identity.pod_uid, sizeof(r->identity.pod_uid));
        fill(r->identity.qos, sizeof(r->identity.qos));
        struct machine_view *m = &r->machine;
        m->has_mem = m->has_psi = m->has_zones = m->has_vmstat = true;
        m->mem = (struct meminfo){ .mem_total = UINT64_MAX - 1,
                                   .mem_available = UINT64_MAX - 1,
                                   .swap_total = UINT64_MAX - 1,
                                   .swap_free = UINT64_MAX - 1 };
        m->psi = r->cgroup.stats.psi;
        m->zones.n_zones = ZONEINFO_MAX_ZONES;
        for (size_t i = 0; i < ZONEINFO_MAX_ZONES; i++) {
                m->zones.zones[i] = (struct zone_watermarks){ .node = INT_MIN,
                                                              .free_pages = UINT64_MAX,
                                                              .min = UINT64_MAX,
                                                              .low = UINT64_MAX,
                                                              .high = UINT64_MAX,
                                                              .managed = UINT64_MAX };
                fill(m->zones.zones[i].name, sizeof(m->zones.zones[i].name));
        }
        m->vm.oom_kill = UINT64_MAX - 1;
        r->has_mem_after = true;
        r->mem_available_after = UINT64_MAX - 1;
        r->has_tasks = r->tasks_after = true;
        r->tasks = (struct task_counts){
                .processes = UINT_MAX, .threads = UINT_MAX, .dstate = UINT_MAX, .zombies = UINT_MAX
        };
        r->scope_processes = UINT_MAX;
        struct report_proc big = { .pid = INT_MIN,
                                   .ppid = INT_MIN,
                                   .state = 1,
                                   .rss_bytes = UINT64_MAX,
                                   .oom_score = INT_MIN + 1,
                                   .oom_score_adj = INT_MIN + 1,
                                   .relation = REPORT_REL_DESCENDANT };
        fill(big.comm, sizeof(big.comm));
        for (size_t i = 0; i < REPORT_TOP_MAX; i++)
                r->top[i] = big;
        r->n_top = REPORT_TOP_MAX;
        for (size_t i = 0; i < REPORT_TREE_MAX; i++)
                r->tree[i] = big;
        r->n_tree = REPORT_TREE_MAX;
        for (size_t i = 0; i < REPORT_CANDIDATES_MAX; i++) {
                r->candidates[i] = (struct report_candidate){ .pid = INT_MIN, .score = INT_MIN };
                fill(r->candidates[i].comm, sizeof(r->candidates[i].comm));
                fill(r->candidates[i].why, sizeof(r->candidates[i].why));
        }
        r->n_candidates = REPORT_CANDIDATES_MAX;
        r->reclaim = (struct report_reclaim){ .has = true,
                                              .reclaimed_bytes = UINT64_MAX,
                                              .asked_bytes = UINT64_MAX,
                                              .v1_limit = UINT64_MAX,
                                              .ns = UINT64_MAX };
        r->has_freed = true;
        r->freed_bytes = INT64_MIN;
        r->gather_ns = UINT64_MAX;
        r->tree_cut = true;
        fill(r->kernel.constraint, sizeof(r->kernel.constraint));
        fill(r->kernel.oom_memcg, sizeof(r->kernel.oom_memcg));
        fill(r->kernel.task_memcg, sizeof(r->kernel.task_memcg));
        r->kernel.total_vm_kb = r->kernel.anon_rss_kb = r->kernel.file_rss_kb = UINT64_MAX / 1024;
        r->kernel.shmem_rss_kb = r->kernel.pgtables_kb = UINT64_MAX / 1024;
        r->kernel.oom_score_adj = INT_MIN;
        r->kernel.kmsg_usec = UINT64_MAX;
        int n = report_json(r, buf, sizeof(buf));
        print_message("worst-case report: %d bytes of %d\n", n, REPORT_JSON_MAX);
        assert_true(n > 0);
        assert_true(json_parse(buf, (size_t)n, tokens, ELEMENTSOF(tokens)) > 0);
        roundtrip(r); /* every field set, to its extreme: the reader misses none */
}

static void expect_bad(const char *text, int want) {
        assert_int_equal(json_parse(text, strlen(text), tokens, ELEMENTSOF(tokens)), want);
}

static void test_json_parse_strict(void **state) {
        static const char *const bad[] = {
                "",    "{",     "{\"a\":1,}", "[1,]",        "01",       "1.",    "-",         "+1",    ".5",
                "1e",  "\"a",   "\"\\x\"",    "\"\\u12g4\"", "\"a\nb\"", "{1:2}", "{\"a\" 1}", "[1 2]", "tru",
                "nul", "{} {}", "\"\\",       "[\"\\u\"]",   "{\"a\":}", "[,1]",  "\x01",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                expect_bad(bad[i], -EBADMSG);
        char deep[80];
        memset(deep, '[', 40);
        memset(deep + 40, ']', 40);
        assert_int_equal(json_parse(deep, 80, tokens, ELEMENTSOF(tokens)), -EBADMSG);
        assert_int_equal(json_parse("[1,2,3]", 7, tokens, 3), -ENOBUFS);
        const char *ok =
                " {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\udc18\\n\\u0000\\ud800\"], "
                "\"b\": {}} ";
        int n = json_parse(ok, strlen(ok), tokens, ELEMENTSOF(tokens));
        assert_int_equal(n, 11);
        struct json_doc d = { ok, tokens, (size_t)n };
        int a = json_member(&d, 0, "a");
        assert_int_equal(json_length(&d, a), 6);
        double x;
        int64_t i64;
        uint64_t u;
        assert_true(json_double(&d, json_element(&d, a, 1), &x) && x == -2500);
        assert_false(json_i64(&d, json_element(&d, a, 1), &i64));
        assert_false(json_u64(&d, json_element(&d, a, 1), &u));
        assert_true(json_i64(&d, json_element(&d, a, 0), &i64) && i64 == 1);
        char s[32];
        assert_true(json_string(&d, json_element(&d, a, 5), s, sizeof(s)));
        assert_string_equal(s, "x\xc3\xa9\xf0\x9f\x90\x98\n?\xef\xbf\xbd");
        assert_true(json_string(&d, json_element(&d, a, 5), s, 3)); /* cut before the é, not inside it */
        assert_string_equal(s, "x");
        assert_true(json_is(&d, json_member(&d, 0, "b"), JSON_OBJECT));
        assert_int_equal(json_member(&d, 0, "c"), -1);
        assert_int_equal(json_member(&d, a, "a"), -1);
        assert_int_equal(json_element(&d, a, 6), -1);
}

static void test_parse_not_a_report(void **state) {
        char err[128];
        const char *const texts[] = { "[]", "{\"kind\":\"action\"}", "{\"version\":1,\"kind\":\"other\"}",
                                      "{\"version\":1,\"kind\":\"action\"" };
        for (size_t i = 0; i < ELEMENTSOF(texts); i++)
                assert_int_equal(
                        report_parse(texts[i], strlen(texts[i]), tokens, ELEMENTSOF(tokens), &rb, err, sizeof(err)),
                        -EBADMSG);
        /* a file cut short (a crash before writeback) is no report either */
        fixture_report(&ra, T0);
        int n = report_json(&ra, buf, sizeof(buf));
        assert_int_equal(report_parse(buf, (size_t)n / 2, tokens, ELEMENTSOF(tokens), &rb, err, sizeof(err)), -EBADMSG);
        assert_string_equal(err, "not valid JSON");
        const char *minimal = "{\"version\":1,\"kind\":\"warning\",\"future\":{\"x\":[1]}}";
        assert_int_equal(report_parse(minimal, strlen(minimal), tokens, ELEMENTSOF(tokens), &rb, err, sizeof(err)), 0);
        assert_int_equal(rb.kind, REPORT_WARNING);
        assert_false(rb.victim.has || rb.cgroup.has || rb.has_freed);
}

static void test_parse_kv(void **state) {
        struct report_kv kv[4];
        const char *text =
                "cache 4096\nrss 12\n\nbad\nneg -1\nx 1y\n"
                "a_key_that_is_far_too_long_for_the_field_of_a_kv 1\n"
                "total_rss 18446744073709551615\nover 18446744073709551616\nlast 7\nmore 8\ncut 9";
        size_t n = report_parse_kv(text, strlen(text), kv, 4);
        assert_int_equal(n, 4);
        assert_string_equal(kv[0].key, "cache");
        assert_int_equal(kv[1].value, 12);
        assert_string_equal(kv[2].key, "total_rss");
        assert_true(kv[2].value == UINT64_MAX);
        assert_string_equal(kv[3].key, "last");
        assert_int_equal(report_parse_kv(text, strlen(text), kv, 0), 0);
}

static void test_text_safe(void **state) {
        char s[64];
        assert_string_equal(report_text_safe("caf\xc3\xa9 \xe2\x82\xac", s, sizeof(s)), "caf\xc3\xa9 \xe2\x82\xac");
        assert_string_equal(report_text_safe("a\x1b[2Jb\x7f\n", s, sizeof(s)), "a?[2Jb??");
        assert_string_equal(report_text_safe("\xc2\x9b"
                                             "31m",
                                             s, sizeof(s)),
                            "?31m"); /* C1 CSI */
        assert_string_equal(report_text_safe("\xff\xc3", s, sizeof(s)), "??");
        assert_string_equal(report_text_safe("ab\xc3\xa9", s, 4), "ab?"); /* never half a character */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_time_and_id),        cmocka_unit_test(test_json_roundtrip),
                cmocka_unit_test(test_json_fields),        cmocka_unit_test(test_json_bounded),
                cmocka_unit_test(test_json_worst_case),    cmocka_unit_test(test_json_parse_strict),
                cmocka_unit_test(test_parse_not_a_report), cmocka_unit_test(test_parse_kv),
                cmocka_unit_test(test_text_safe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
