/* The hot path does not allocate: after setup, ticks of a guard over a
 * fixture tree (3 watched cgroups, machine files) call malloc zero times,
 * both when no rule fires and when one fires at every other tick (decide,
 * choose a victim, log; dry run). malloc and friends are replaced in this
 * binary (glibc lets a program interpose them) and count calls; not under
 * ASan, which owns malloc. A fixture root is never live: the real
 * actuator, the rankings, the opt-in modes and the proc connector are not
 * on the path measured here. */
#include "testing.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon/guard.h"
#include "daemon/tick.h"
#include "policy/config.h"

#include "alloc_count.h"

#define SCEN "tests/scenarios/v2-pod-over-limit"

static void test_ticks_do_not_allocate(void **state) {
#if !COUNTING
        skip();
#else
        static char conf[] = "[cgroup:pods]\npath = /kubepods/*\nusage_above = 99%\n";
        FILE *f = fmemopen(conf, strlen(conf), "r");
        struct policy p;
        struct config_errors errors = { 0 };
        assert_non_null(f);
        int r = config_load_stream(f, "inline", &p, &errors);
        config_errors_print(&errors, stderr);
        config_errors_free(&errors);
        assert_int_equal(r, 0);
        fclose(f);
        struct guard g;
        assert_int_equal(guard_init(&g, SCEN "/root", &p, true, "/nonexistent/restore"), 0);
        assert_int_equal(g.cgroups.n, 3);
        tick_run(&g, true); /* first tick: allowed to set things up */
        unsigned long before = n_allocs;
        assert_true(before > 0); /* the counter sees setup allocations */
        for (int i = 0; i < 200; i++)
                assert_int_equal(tick_run(&g, true), 0);
        assert_int_equal(n_allocs - before, 0);
        assert_true(g.snap.machine.has_mem && g.snap.machine.has_zones);
        assert_true(g.cgroups.views[0].valid);
        guard_free(&g);
#endif
}

#if COUNTING
static void load_policy(const char *text, struct policy *p) {
        FILE *f = fmemopen((void *)text, strlen(text), "r");
        struct config_errors errors = { 0 };
        assert_non_null(f);
        int r = config_load_stream(f, "inline", p, &errors);
        config_errors_print(&errors, stderr);
        config_errors_free(&errors);
        fclose(f);
        assert_int_equal(r, 0);
}

static size_t count_lines(const char *text, const char *needle) {
        size_t n = 0;
        for (const char *c = text; (c = strstr(c, needle)); c += strlen(needle))
                n++;
        return n;
}

/* The rule fires at every other tick: pod-a's memory.current (the guard
 * keeps the file open) goes from 950 MiB (working set 91.8% of its 1 GiB
 * limit, over usage_above = 90%) to 763 MiB (73.5%) and back. Each firing
 * is a new one (the rule cleared in between), so each is acted on at once:
 * policy_evaluate -> handle_decision -> execute -> the dry-run actuator ->
 * victim choice over the fixture's /proc -> action_log_event -> log_event;
 * each clearing logs "back below". Only guard_init/tick_run/guard_free
 * and what reaches the log are used. No assert while stderr is the log. */
#define FIRINGS 100

/* A copy of the scenario's tree whose pod-a memory.current the test
 * rewrites in place (the guard keeps it open), and a file for the log. */
struct firing_fixture {
        char dir[64], root[256], logfile[512];
        int cur; /* pod-a's memory.current, for writing */
};

static const char over[] = "996147200\n", under[] = "800000000\n"; /* same length: no truncation */

static void fixture_setup(struct firing_fixture *f) {
        char cmd[512], path[512];
        snprintf(f->dir, sizeof(f->dir), "/tmp/test_tick_alloc.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(cmd, sizeof(cmd), "cp -a " SCEN "/root %s/root", f->dir);
        assert_int_equal(system(cmd), 0);
        snprintf(f->root, sizeof(f->root), "%s/root", f->dir);
        snprintf(path, sizeof(path), "%s/sys/fs/cgroup/kubepods/pod-a/memory.current", f->root);
        f->cur = open(path, O_WRONLY | O_CLOEXEC);
        assert_true(f->cur >= 0);
        snprintf(f->logfile, sizeof(f->logfile), "%s/log", f->dir);
}

static void fixture_teardown(struct firing_fixture *f) {
        char cmd[128];
        close(f->cur);
        snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
        assert_int_equal(system(cmd), 0);
}

static bool set_usage(const struct firing_fixture *f, const char *value) {
        return pwrite(f->cur, value, strlen(value), 0) == (ssize_t)strlen(value);
}

struct firing_counts {
        int init;
        size_t warm_fired, warm_quiet, fired, quiet;
        unsigned long allocs; /* after the warm-up */
};

/* Runs with stderr in the log file: no assert in here. */
static void run_firings(const struct firing_fixture *f, struct policy *p, struct firing_counts *c) {
        struct guard g;
        c->init = guard_init(&g, f->root, p, true, "/nonexistent/restore");
        if (c->init == 0) {
                /* First firing and first clearing: allowed to set things up. */
                c->warm_fired = tick_run(&g, true);
                if (set_usage(f, under))
                        c->warm_quiet = tick_run(&g, true) == 0;
                unsigned long before = n_allocs;
                for (int i = 0; i < FIRINGS && set_usage(f, over); i++) {
                        c->fired += tick_run(&g, true) == 1;
                        if (!set_usage(f, under))
                                break;
                        c->quiet += tick_run(&g, true) == 0;
                }
                c->allocs = n_allocs - before;
        }
        guard_free(&g);
}

static void run_with_log(const struct firing_fixture *f, struct policy *p, struct firing_counts *c) {
        int log_fd = open(f->logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int saved_stderr = dup(STDERR_FILENO);
        assert_true(log_fd >= 0 && saved_stderr >= 0);
        dup2(log_fd, STDERR_FILENO); /* the log, to count its lines */
        run_firings(f, p, c);
        fflush(stderr);
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
        close(log_fd);
}

#endif /* COUNTING */

static void test_firing_ticks_do_not_allocate(void **state) {
#if !COUNTING
        skip();
#else
        static const char conf[] =
                "[daemon]\nprotect = ^java$\n"
                "[cgroup:pods]\npath = /kubepods/*\nusage_above = 90%\naction = kill\n";
        struct firing_fixture f;
        struct firing_counts c = { 0 };
        struct policy p;
        fixture_setup(&f);
        load_policy(conf, &p);
        run_with_log(&f, &p, &c);
        static char log[1 << 20];
        ssize_t n = read_file_at("/", f.logfile, log, sizeof(log));
        size_t acted = n > 0 ? count_lines(log, "dry-run: would kill pid 102 (nginx): rule pods on /kubepods/pod-a: ")
                             : 0;
        size_t cleared = n > 0 ? count_lines(log, "rule pods on /kubepods/pod-a: back below its thresholds") : 0;
        if (c.init != 0 || c.warm_fired != 1 || !c.warm_quiet)
                fputs(n > 0 ? log : "(no log)\n", stderr);
        fixture_teardown(&f);
        assert_int_equal(c.init, 0);
        assert_int_equal(c.warm_fired, 1);
        assert_true(c.warm_quiet);
        if (c.fired != FIRINGS || c.quiet != FIRINGS || acted != FIRINGS + 1 || cleared != FIRINGS + 1)
                fail_msg("%zu firing ticks, %zu quiet ticks, %zu kill lines, %zu cleared lines; want %d, %d, %d, %d",
                         c.fired, c.quiet, acted, cleared, FIRINGS, FIRINGS, FIRINGS + 1, FIRINGS + 1);
        if (c.allocs)
                fail_msg("%lu allocations in %d firings (decide -> act -> log)", c.allocs, FIRINGS);
#endif
}

#if COUNTING
/* pod-a's memory.events with "max" (its limit hits) at n, same length
 * every time: the guard keeps the file open. */
static bool set_limit_hits(int fd, unsigned n) {
        char buf[96];
        int len = snprintf(buf, sizeof(buf), "low 0\nhigh 0\nmax %010u\noom 0\noom_kill 0\noom_group_kill 0\n", n);
        return pwrite(fd, buf, (size_t)len, 0) == len;
}

struct alarm_counts {
        int init;
        size_t ticks;
        unsigned long allocs; /* over the second episode */
};

/* One episode: a storm (500 hits in >= 1 s: one alarm), then calm for
 * warn_clear_after (1 s: back to normal). Ticks every 100 ms. */
static void alarm_episode(struct guard *g, int fd, unsigned *hits, struct alarm_counts *c) {
        for (int i = 0; i < 11; i++, c->ticks++) {
                *hits += 50;
                (void)set_limit_hits(fd, *hits);
                usleep(100 * 1000);
                tick_run(g, true);
        }
        for (int i = 0; i < 22; i++, c->ticks++) {
                usleep(100 * 1000);
                tick_run(g, true);
        }
}

/* Runs with stderr in the log file: no assert in here. */
static void run_alarms(const struct firing_fixture *f, int fd, struct policy *p, struct alarm_counts *c) {
        struct guard g;
        unsigned hits = 0;
        c->init = guard_init(&g, f->root, p, true, "/nonexistent/restore");
        if (c->init == 0) {
                tick_run(&g, true);
                alarm_episode(&g, fd, &hits, c); /* the first: allowed to set things up */
                unsigned long before = n_allocs;
                alarm_episode(&g, fd, &hits, c);
                c->allocs = n_allocs - before;
        }
        guard_free(&g);
}
#endif

/* Limit-hit alarms in the tick (daemon/alarms_watch.c): an alarm, its
 * end and their log lines without an allocation (a fixture tree has no
 * reports: guard_arm sets them up for a live guard only). */
static void test_alarm_ticks_do_not_allocate(void **state) {
#if !COUNTING
        skip();
#else
        static const char conf[] =
                "[cgroup:pods]\npath = /kubepods/*\nwarn_failcnt_rate = 10/s\nwarn_clear_after = 1s\n";
        struct firing_fixture f;
        struct alarm_counts c = { 0 };
        struct policy p;
        char path[512];
        fixture_setup(&f);
        snprintf(path, sizeof(path), "%s/sys/fs/cgroup/kubepods/pod-a/memory.events", f.root);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0 && set_limit_hits(fd, 0));
        load_policy(conf, &p);
        int log_fd = open(f.logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int saved_stderr = dup(STDERR_FILENO);
        assert_true(log_fd >= 0 && saved_stderr >= 0);
        dup2(log_fd, STDERR_FILENO);
        run_alarms(&f, fd, &p, &c);
        fflush(stderr);
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
        close(log_fd);
        close(fd);
        static char log[1 << 16];
        ssize_t n = read_file_at("/", f.logfile, log, sizeof(log));
        size_t fired = n > 0 ? count_lines(log, "rule pods on /kubepods/pod-a: failcnt: memory.events.local max rising")
                             : 0;
        size_t cleared = n > 0 ? count_lines(log, "rule pods on /kubepods/pod-a: failcnt back to normal: ") : 0;
        if (fired != 2 || cleared != 2)
                fputs(n > 0 ? log : "(no log)\n", stderr);
        fixture_teardown(&f);
        assert_int_equal(c.init, 0);
        assert_int_equal(fired, 2);
        assert_int_equal(cleared, 2);
        if (c.allocs)
                fail_msg("%lu allocations over an alarm's episode (%zu ticks)", c.allocs, c.ticks / 2);
#endif
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ticks_do_not_allocate),
                cmocka_unit_test(test_firing_ticks_do_not_allocate),
                cmocka_unit_test(test_alarm_ticks_do_not_allocate),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
