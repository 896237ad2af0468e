/* Policy evaluation on struct literals: every threshold fires when
 * crossed, stays quiet when not, and says why. */
#include "testing.h"

#include "policy/evaluate.h"
#include "util.h"

#define MiB (UINT64_C(1) << 20)

static struct thresholds none(void) {
        return (struct thresholds){ .failcnt_rate_above = -1, .psi_some_avg10_above = -1, .psi_full_avg10_above = -1 };
}

static struct cgroup_view cgroup(uint64_t usage, uint64_t limit, uint64_t inactive_file) {
        struct cgroup_view v = { .path = "/web", .valid = true, .stats = { .usage = usage, .limit = limit } };
        v.stats.stat.inactive_file = inactive_file;
        cgroup_derive(NULL, 0, &v.stats, 1, &v.d);
        return v;
}

static void test_usage_percent(void **state) {
        struct thresholds th = none();
        th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 90 };
        char reason[256] = "";
        struct cgroup_view v = cgroup(60 * MiB, 64 * MiB, 0);
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "93.8% of limit 64.0MiB >= 90.0%"));
        v = cgroup(50 * MiB, 64 * MiB, 0);
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
}

static void test_usage_ignores_inactive_cache(void **state) {
        struct thresholds th = none();
        th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 90 };
        char reason[256];
        /* 62 MiB charged but 20 MiB is inactive page cache: working set 42 MiB. */
        struct cgroup_view v = cgroup(62 * MiB, 64 * MiB, 20 * MiB);
        assert_int_equal(v.d.working_set, 42 * MiB);
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
}

static void test_usage_unlimited_never_fires_percent(void **state) {
        struct thresholds th = none();
        th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 1 };
        char reason[256];
        struct cgroup_view v = cgroup(600 * MiB, BYTES_UNLIMITED, 0);
        assert_true(v.d.pct_of_limit < 0);
        assert_int_equal(v.d.bytes_left, BYTES_UNLIMITED);
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        th.usage_above = (struct size_or_pct){ .kind = SIZE_BYTES, .bytes = 512 * MiB };
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
}

static void test_failcnt_rate(void **state) {
        struct thresholds th = none();
        th.failcnt_rate_above = 100;
        struct memcg_stats prev = { .usage = 10, .limit = 100, .failcnt = 1000 };
        struct memcg_stats cur = { .usage = 20, .limit = 100, .failcnt = 1300 };
        struct cgroup_view v = { .path = "/x", .valid = true, .stats = cur };
        cgroup_derive(&prev, 0, &cur, 2 * NSEC_PER_SEC, &v.d);
        assert_true(v.d.has_rates);
        assert_true(v.d.failcnt_rate > 149.9 && v.d.failcnt_rate < 150.1);
        assert_true(v.d.usage_slope > 4.9 && v.d.usage_slope < 5.1);
        char reason[256];
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "failcnt rising 150.0/s"));
}

static void test_counter_reset_is_not_a_rate(void **state) {
        struct memcg_stats prev = { .failcnt = 5000, .limit = 100 };
        struct memcg_stats cur = { .failcnt = 3, .limit = 100 };
        struct cgroup_derived d;
        cgroup_derive(&prev, 0, &cur, NSEC_PER_SEC, &d);
        assert_true(d.reset);
        assert_false(d.has_rates);
        assert_true(d.failcnt_rate == 0);
}

static void test_first_tick_has_no_rates(void **state) {
        struct thresholds th = none();
        th.failcnt_rate_above = 0;
        struct cgroup_view v = cgroup(10, 100, 0);
        v.stats.failcnt = 99999;
        char reason[256];
        assert_false(v.d.has_rates);
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
}

static void test_cgroup_psi(void **state) {
        struct thresholds th = none();
        th.psi_full_avg10_above = 20;
        struct cgroup_view v = cgroup(10, 100, 0);
        char reason[256];
        v.stats.has_psi = true;
        v.stats.psi.has_full = true;
        v.stats.psi.full.avg10 = 19.99;
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        v.stats.psi.full.avg10 = 25.5;
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "full avg10 25.50%"));
}

static void test_headroom(void **state) {
        struct thresholds th = none();
        th.headroom_below = (struct size_or_pct){ .kind = SIZE_BYTES, .bytes = 16 * MiB };
        char reason[256];
        struct cgroup_view v = cgroup(48 * MiB, 64 * MiB, 0);
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        v = cgroup(50 * MiB, 64 * MiB, 0);
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "headroom 14.0MiB to the limit < 16.0MiB"));
        v = cgroup(50 * MiB, BYTES_UNLIMITED, 0);
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
}

static void test_forecast(void **state) {
        struct thresholds th = none();
        th.forecast_below_ns = 30 * NSEC_PER_SEC;
        char reason[256];
        /* 100 MiB left, growing 5 MiB/s: 20 s to the limit. */
        struct memcg_stats prev = { .usage = 150 * MiB, .limit = 256 * MiB };
        struct memcg_stats cur = { .usage = 156 * MiB, .limit = 256 * MiB };
        struct cgroup_view v = { .path = "/x", .valid = true, .stats = cur };
        cgroup_derive(&prev, 0, &cur, 1200 * NSEC_PER_MSEC, &v.d);
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "limit reached in 20.00s at 5.0 MiB/s"));
        th.forecast_below_ns = 10 * NSEC_PER_SEC;
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        /* Shrinking usage never forecasts the limit. */
        th.forecast_below_ns = 1000 * NSEC_PER_SEC;
        cgroup_derive(&cur, 0, &prev, NSEC_PER_SEC, &v.d);
        v.stats = prev;
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
}

static void test_invalid_cgroup_never_fires(void **state) {
        struct thresholds th = none();
        th.usage_above = (struct size_or_pct){ .kind = SIZE_BYTES, .bytes = 0 };
        struct cgroup_view v = cgroup(10, 100, 0);
        v.valid = false;
        char reason[256];
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
}

static struct machine_view machine(uint64_t total, uint64_t avail, uint64_t swap_total, uint64_t swap_free) {
        struct machine_view m = { .has_mem = true };
        m.mem.mem_total = total;
        m.mem.mem_available = avail;
        m.mem.swap_total = swap_total;
        m.mem.swap_free = swap_free;
        machine_derive(&m);
        return m;
}

static void test_machine_memory_and_swap(void **state) {
        struct thresholds th = none();
        th.mem_available_below = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 5 };
        th.swap_free_below = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 10 };
        char reason[256];
        /* RAM low but swap plentiful: not yet (earlyoom semantics). */
        struct machine_view m = machine(1000 * MiB, 40 * MiB, 1000 * MiB, 500 * MiB);
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        m = machine(1000 * MiB, 40 * MiB, 1000 * MiB, 50 * MiB);
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "SwapFree 5.0%"));
        /* No swap at all: RAM alone decides. */
        m = machine(1000 * MiB, 40 * MiB, 0, 0);
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        m = machine(1000 * MiB, 60 * MiB, 0, 0);
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
}

static void test_machine_watermark(void **state) {
        struct thresholds th = none();
        th.watermark_below = WATERMARK_LOW;
        struct machine_view m = machine(1000 * MiB, 500 * MiB, 0, 0);
        char reason[256];
        m.has_zones = true;
        m.zones.n_zones = 1;
        m.zones.zones[0] = (struct zone_watermarks){
                .name = "Normal", .free_pages = 150, .min = 100, .low = 125, .high = 150, .managed = 1000
        };
        machine_derive(&m);
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        m.zones.zones[0].free_pages = 110;
        machine_derive(&m);
        assert_int_equal(m.worst_watermark, WATERMARK_LOW);
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "low watermark"));
}

static void test_machine_psi_trigger(void **state) {
        struct thresholds th = none();
        struct machine_view m = machine(1000 * MiB, 500 * MiB, 0, 0);
        char reason[256];
        m.has_psi = true;
        m.psi.some.avg10 = 1.0; /* the average still looks calm */
        m.psi_trigger_fired = true;
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason))); /* no PSI rule */
        th.psi_some_avg10_above = 20;
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "trigger: some stall above 20.00%"));
        m.psi_trigger_fired = false;
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
}

/* Where the trigger is armed it alone decides: avg10, still high after
 * the stall ended (a kill), does not fire again. */
static void test_machine_psi_trigger_armed(void **state) {
        struct thresholds th = none();
        struct machine_view m = machine(1000 * MiB, 500 * MiB, 0, 0);
        char reason[256];
        th.psi_full_avg10_above = 10;
        m.has_psi = m.psi.has_full = true;
        m.psi.full.avg10 = 35.0;                                                /* the last ten seconds' average */
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason))); /* no trigger: avg10 */
        m.psi_trigger_armed = true;
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason))); /* armed, quiet */
        m.psi_trigger_fired = true;
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "trigger: full stall above 10.00%"));
        m.psi.full.avg10 = 0; /* a fresh stall the average does not show yet */
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
}

/* A stall counts only while memory is short (psi_mem_available_below):
 * the trigger that fires on refaults after a kill, with memory back, does
 * not kill again. */
static void test_machine_stall_needs_short_memory(void **state) {
        struct thresholds th = none();
        char reason[256];
        th.psi_full_avg10_above = 10;
        th.psi_mem_available_below = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 20 };
        struct machine_view m = machine(1000 * MiB, 900 * MiB, 0, 0); /* 90 % available */
        m.has_psi = m.psi.has_full = true;
        m.psi_trigger_armed = m.psi_trigger_fired = true;
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        m.psi_trigger_armed = false; /* avg10 alone, the same */
        m.psi.full.avg10 = 40;
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        m = machine(1000 * MiB, 150 * MiB, 0, 0); /* 15 %: short */
        m.has_psi = m.psi.has_full = true;
        m.psi_trigger_armed = m.psi_trigger_fired = true;
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        th.psi_mem_available_below.kind = SIZE_UNSET; /* no gate: any stall */
        m = machine(1000 * MiB, 900 * MiB, 0, 0);
        m.has_psi = m.psi.has_full = true;
        m.psi_trigger_armed = m.psi_trigger_fired = true;
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
}

static void test_evaluate_orders_global_first(void **state) {
        struct rule rules[2] = {
                { .name = "web", .scope = RULE_CGROUP, .th = none(), .action = ACTION_KILL },
                { .name = "db", .scope = RULE_CGROUP, .th = none(), .action = ACTION_WARN },
        };
        rules[0].th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 80 };
        rules[1].th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 80 };
        struct policy p = {
                .has_global = true, .global = { .name = "global", .th = none() }, .cgroups = rules, .n_cgroups = 2
        };
        p.global.th.psi_some_avg10_above = 10;
        struct cgroup_view views[3] = { cgroup(90, 100, 0), cgroup(10, 100, 0), cgroup(95, 100, 0) };
        views[0].rule_index = 0;
        views[1].rule_index = 0;
        views[2].rule_index = 1;
        struct snapshot s = { .machine = machine(100, 50, 0, 0), .cgroups = views, .n_cgroups = 3 };
        s.machine.has_psi = true;
        s.machine.psi.some.avg10 = 12;
        struct decision out[4];
        assert_int_equal(policy_evaluate(&p, &s, out, 4), 3);
        assert_null(out[0].cgroup);
        assert_ptr_equal(out[1].cgroup, &views[0]);
        assert_int_equal(out[1].action, ACTION_KILL);
        assert_ptr_equal(out[2].cgroup, &views[2]);
        assert_string_equal(out[2].rule->name, "db");
        /* Capacity is respected; the count still says how many fired. */
        assert_int_equal(policy_evaluate(&p, &s, out, 1), 3);
}

/* thresholds = all: a cgroup near its limit without pressure (a JVM sized
 * to its limit) does not fire; near its limit AND under pressure does,
 * and the reason names both. */
static void test_all_usage_and_pressure(void **state) {
        struct thresholds th = none();
        th.mode = THRESHOLDS_ALL;
        th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 90 };
        th.psi_some_avg10_above = 10;
        char reason[DECISION_REASON_MAX];
        struct cgroup_view v = cgroup(250 * MiB, 256 * MiB, 0);
        v.stats.has_psi = true;
        v.stats.psi.some.avg10 = 0.5;
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        v.stats.psi.some.avg10 = 35;
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_string_equal(
                reason, "working set 97.7% of limit 256.0MiB >= 90.0% and memory pressure some avg10 35.00% > 10.00%");
        /* Pressure without being near the limit: not either. */
        v = cgroup(100 * MiB, 256 * MiB, 0);
        v.stats.has_psi = true;
        v.stats.psi.some.avg10 = 35;
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        /* The same under any: each alone fires, the reason names the first. */
        th.mode = THRESHOLDS_ANY;
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_string_equal(reason, "memory pressure some avg10 35.00% > 10.00%");
        v = cgroup(250 * MiB, 256 * MiB, 0);
        v.stats.has_psi = true;
        v.stats.psi.some.avg10 = 35;
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_string_equal(reason, "working set 97.7% of limit 256.0MiB >= 90.0%");
}

/* A set threshold that cannot be evaluated does not hold: no PSI in the
 * cgroup, or no rate yet on the first tick. */
static void test_all_unknown_is_not_crossed(void **state) {
        struct thresholds th = none();
        th.mode = THRESHOLDS_ALL;
        th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 90 };
        th.psi_full_avg10_above = 5;
        char reason[DECISION_REASON_MAX];
        struct cgroup_view v = cgroup(250 * MiB, 256 * MiB, 0);
        assert_false(v.stats.has_psi);
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        v.stats.has_psi = true; /* PSI, but no full line */
        v.stats.psi.some.avg10 = 50;
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        th = none();
        th.mode = THRESHOLDS_ALL;
        th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 90 };
        th.failcnt_rate_above = 0;
        assert_false(v.d.has_rates);
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        /* One threshold: all is any. */
        th.failcnt_rate_above = -1;
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        /* None set (an oom_handler rule): all never fires. */
        th.usage_above.kind = SIZE_UNSET;
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
}

/* Every [cgroup:] threshold at once: each is named, in order, and the
 * reason fits. */
static void test_all_names_every_threshold(void **state) {
        struct thresholds th = none();
        th.mode = THRESHOLDS_ALL;
        th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 90 };
        th.headroom_below = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 5 };
        th.forecast_below_ns = 2 * NSEC_PER_SEC;
        th.failcnt_rate_above = 100;
        th.psi_some_avg10_above = 10;
        th.psi_full_avg10_above = 5;
        struct memcg_stats prev = { .usage = 200 * MiB, .limit = 256 * MiB, .failcnt = 100 };
        struct memcg_stats cur = { .usage = 250 * MiB, .limit = 256 * MiB, .failcnt = 400 };
        cur.has_psi = true;
        cur.psi.has_full = true;
        cur.psi.some.avg10 = 61.25;
        cur.psi.full.avg10 = 42.5;
        struct cgroup_view v = { .path = "/x", .valid = true, .stats = cur };
        cgroup_derive(&prev, 0, &cur, NSEC_PER_SEC, &v.d);
        char reason[DECISION_REASON_MAX];
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_string_equal(reason,
                            "working set 97.7% of limit 256.0MiB >= 90.0%"
                            " and headroom 6.0MiB to the limit < 12.8MiB"
                            " and limit reached in 0.12s at 50.0 MiB/s (< 2.00s)"
                            " and failcnt rising 300.0/s > 100.0/s"
                            " and memory pressure some avg10 61.25% > 10.00%"
                            " and memory pressure full avg10 42.50% > 5.00%");
        /* Any one of them not crossed: no decision. */
        v.stats.psi.full.avg10 = 4;
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        /* A short buffer truncates, never overflows. */
        v.stats.psi.full.avg10 = 42.5;
        char small[40];
        assert_true(thresholds_check_cgroup(&th, &v, small, sizeof(small)));
        assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* [global] under all: MemAvailable and SwapFree stay one condition. */
static void test_all_machine(void **state) {
        struct thresholds th = none();
        th.mode = THRESHOLDS_ALL;
        th.mem_available_below = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 5 };
        th.swap_free_below = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 10 };
        th.psi_full_avg10_above = 20;
        char reason[DECISION_REASON_MAX];
        struct machine_view m = machine(1000 * MiB, 40 * MiB, 1000 * MiB, 50 * MiB);
        m.has_psi = true;
        m.psi.has_full = true;
        m.psi.full.avg10 = 3;
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason))); /* memory short, no stall */
        m.psi.full.avg10 = 30;
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        assert_string_equal(reason,
                            "MemAvailable 40.0MiB (4.0%) and SwapFree 5.0% below threshold"
                            " and memory pressure full avg10 30.00% > 20.00%");
        /* RAM low but swap plentiful: the memory condition does not hold. */
        struct machine_view plenty = machine(1000 * MiB, 40 * MiB, 1000 * MiB, 500 * MiB);
        plenty.has_psi = true;
        plenty.psi.has_full = true;
        plenty.psi.full.avg10 = 30;
        assert_false(thresholds_check_machine(&th, &plenty, reason, sizeof(reason)));
        /* The machine's PSI trigger (armed for full here) counts for full. */
        m.psi.full.avg10 = 3;
        m.psi_trigger_fired = true;
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        assert_non_null(strstr(reason, " and memory pressure trigger: full stall above 20.00%"));
        /* With a watermark too, it must hold as well. */
        th.watermark_below = WATERMARK_MIN;
        assert_false(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        m.has_zones = true;
        m.zones.n_zones = 1;
        m.zones.zones[0] = (struct zone_watermarks){
                .name = "Normal", .free_pages = 90, .min = 100, .low = 125, .high = 150, .managed = 1000
        };
        machine_derive(&m);
        m.psi_trigger_fired = true;
        assert_true(thresholds_check_machine(&th, &m, reason, sizeof(reason)));
        assert_non_null(strstr(reason, " and free pages below the min watermark in a zone and "));
}

/* The decision carries the all-of reason. */
static void test_evaluate_all_decision(void **state) {
        struct rule rule = { .name = "jvm", .scope = RULE_CGROUP, .th = none(), .action = ACTION_KILL };
        rule.th.mode = THRESHOLDS_ALL;
        rule.th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 95 };
        rule.th.psi_some_avg10_above = 20;
        struct policy p = { .cgroups = &rule, .n_cgroups = 1 };
        struct cgroup_view views[2] = { cgroup(98, 100, 0), cgroup(99, 100, 0) };
        views[0].stats.has_psi = views[1].stats.has_psi = true;
        views[0].stats.psi.some.avg10 = 1;  /* steady near its limit */
        views[1].stats.psi.some.avg10 = 25; /* and under pressure */
        struct snapshot s = { .machine = machine(100, 50, 0, 0), .cgroups = views, .n_cgroups = 2 };
        struct decision out[2];
        assert_int_equal(policy_evaluate(&p, &s, out, 2), 1);
        assert_ptr_equal(out[0].cgroup, &views[1]);
        assert_non_null(strstr(out[0].reason, ">= 95.0% and memory pressure some avg10 25.00% > 20.00%"));
}

/* v1 marks a subtree under OOM: only the topmost watched cgroup under
 * OOM (the one whose limit was hit) takes the kill; a sibling whose
 * path merely starts the same is not below it. */
static void test_evaluate_oom_topmost_only(void **state) {
        struct rule rule = {
                .name = "limits", .scope = RULE_CGROUP, .th = none(), .action = ACTION_KILL, .oom_handler = true
        };
        struct policy p = { .cgroups = &rule, .n_cgroups = 1 };
        struct cgroup_view views[4] = { cgroup(10, 100, 0), cgroup(10, 50, 0), cgroup(10, 50, 0), cgroup(10, 50, 0) };
        const char *paths[4] = { "/pod", "/pod/c1", "/pod/c1/x", "/pod-2" };
        for (size_t i = 0; i < 4; i++) {
                views[i].path = paths[i];
                views[i].stats.version = CGROUP_V1;
                views[i].stats.oom_kill_disable = true;
                views[i].oom_handler_ours = true;
                views[i].stats.oom = 1;
        }
        struct snapshot s = { .machine = machine(100, 50, 0, 0), .cgroups = views, .n_cgroups = 4 };
        struct decision out[4];
        assert_int_equal(policy_evaluate(&p, &s, out, 4), 2);
        assert_ptr_equal(out[0].cgroup, &views[0]);
        assert_ptr_equal(out[1].cgroup, &views[3]);
        assert_true(out[0].oom && out[1].oom);
        /* The child's own limit hit: the parent is not under OOM. */
        views[0].stats.oom = 0;
        assert_int_equal(policy_evaluate(&p, &s, out, 4), 2);
        assert_ptr_equal(out[0].cgroup, &views[1]);
}

/* An oom_kill_disable = 1 oomguard did not write is an admin's, whose own
 * handler waits on the OOM: the rule leaves that OOM alone. */
static void test_evaluate_oom_not_ours(void **state) {
        struct rule rule = {
                .name = "limits", .scope = RULE_CGROUP, .th = none(), .action = ACTION_KILL, .oom_handler = true
        };
        struct policy p = { .cgroups = &rule, .n_cgroups = 1 };
        struct cgroup_view v = cgroup(10, 100, 0);
        v.path = "/theirs";
        v.stats.version = CGROUP_V1;
        v.stats.oom_kill_disable = true;
        v.stats.oom = 1;
        struct snapshot s = { .machine = machine(100, 50, 0, 0), .cgroups = &v, .n_cgroups = 1 };
        struct decision out[1];
        assert_int_equal(policy_evaluate(&p, &s, out, 1), 0);
        v.oom_handler_ours = true;
        assert_int_equal(policy_evaluate(&p, &s, out, 1), 1);
        assert_true(out[0].oom);
}

/* The shipped [cgroup:limits] shape on v2: usage and full pressure, all
 * of them. The cgroup's PSI trigger firing counts as pressure, and so
 * does a throttle at oomguard's tripwire; neither makes a cgroup whose
 * working set is low (page cache) fire. */
static void test_all_with_trigger_and_tripwire(void **state) {
        struct thresholds th = none();
        th.mode = THRESHOLDS_ALL;
        th.usage_above = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 95 };
        th.psi_full_avg10_above = 10;
        char reason[384] = "";
        struct cgroup_view v = cgroup(97, 100, 0);
        v.stats.has_psi = v.stats.psi.has_full = true;
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        v.psi_trigger_fired = true;
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "memory pressure trigger: full stall"));
        v.psi_trigger_fired = false;
        v.tripwire_hit = true;
        v.stats.high = 98; /* the tripwire, and the working set (97) below it: cache was reclaimed there */
        assert_false(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        v = cgroup(99, 100, 0);
        v.stats.high = 98;
        v.tripwire_hit = true;
        assert_true(thresholds_check_cgroup(&th, &v, reason, sizeof(reason)));
        assert_non_null(strstr(reason, "throttled at its memory.high tripwire"));
        struct cgroup_view cache = cgroup(99, 100, 20); /* working set 79 % */
        cache.stats.high = 98;
        cache.tripwire_hit = cache.psi_trigger_fired = true;
        assert_false(thresholds_check_cgroup(&th, &cache, reason, sizeof(reason)));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_usage_percent),
                cmocka_unit_test(test_usage_ignores_inactive_cache),
                cmocka_unit_test(test_usage_unlimited_never_fires_percent),
                cmocka_unit_test(test_failcnt_rate),
                cmocka_unit_test(test_counter_reset_is_not_a_rate),
                cmocka_unit_test(test_first_tick_has_no_rates),
                cmocka_unit_test(test_cgroup_psi),
                cmocka_unit_test(test_headroom),
                cmocka_unit_test(test_forecast),
                cmocka_unit_test(test_invalid_cgroup_never_fires),
                cmocka_unit_test(test_machine_memory_and_swap),
                cmocka_unit_test(test_machine_watermark),
                cmocka_unit_test(test_machine_psi_trigger),
                cmocka_unit_test(test_machine_psi_trigger_armed),
                cmocka_unit_test(test_machine_stall_needs_short_memory),
                cmocka_unit_test(test_evaluate_orders_global_first),
                cmocka_unit_test(test_all_usage_and_pressure),
                cmocka_unit_test(test_all_unknown_is_not_crossed),
                cmocka_unit_test(test_all_names_every_threshold),
                cmocka_unit_test(test_all_machine),
                cmocka_unit_test(test_evaluate_all_decision),
                cmocka_unit_test(test_evaluate_oom_topmost_only),
                cmocka_unit_test(test_evaluate_oom_not_ours),
                cmocka_unit_test(test_all_with_trigger_and_tripwire),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
