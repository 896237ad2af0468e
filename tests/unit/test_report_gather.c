/* report_gather(): over a fixture /proc and v1 cgroup (the top, the task
 * counts, the tree of a living and of a gone victim, memory.stat and
 * memory.oom_control, freed_bytes), then over this machine's real /proc
 * with a process tree made here; and that gathering and writing a report
 * allocate nothing (malloc is counted in this binary, as in
 * test_tick_alloc.c; not under ASan). */
#include "testing.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outputs/report.h"
#include "outputs/report_internal.h"
#include "outputs/report_store.h"
#include "sources/meminfo.h"

#include "alloc_count.h"

static char scratch[REPORT_GATHER_SCRATCH];
static struct report r;
static char root[64], cg[128];
static long page;

static void put(const char *rel, const char *text) {
        char path[512];
        snprintf(path, sizeof(path), "%s%s", root, rel);
        for (char *c = path + strlen(root) + 1; *c; c++)
                if (*c == '/') {
                        *c = '\0';
                        mkdir(path, 0755);
                        *c = '/';
                }
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

/* /proc/PID/stat, oom_score, oom_score_adj of a fixture process. */
static void proc(int pid, const char *comm, char state, int ppid, int pgrp, unsigned long long start,
                 unsigned long long rss_pages) {
        char rel[64], text[512];
        snprintf(rel, sizeof(rel), "/proc/%d/stat", pid);
        snprintf(text, sizeof(text), "%d (%s) %c %d %d 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 3 0 %llu 1000 %llu\n", pid, comm,
                 state, ppid, pgrp, start, rss_pages);
        put(rel, text);
        snprintf(rel, sizeof(rel), "/proc/%d/oom_score", pid);
        snprintf(text, sizeof(text), "%d\n", pid % 1000);
        put(rel, text);
        snprintf(rel, sizeof(rel), "/proc/%d/oom_score_adj", pid);
        put(rel, "-5\n");
}

static int setup(void **state) {
        page = sysconf(_SC_PAGESIZE);
        snprintf(root, sizeof(root), "/tmp/test_report_gather.XXXXXX");
        assert_non_null(mkdtemp(root));
        snprintf(cg, sizeof(cg), "%s/sys/fs/cgroup/memory/web", root);
        put("/proc/meminfo",
            "MemTotal: 8000000 kB\nMemFree: 1000 kB\nMemAvailable: 2000000 kB\n"
            "SwapTotal: 0 kB\nSwapFree: 0 kB\n");
        proc(1, "systemd", 'S', 0, 1, 1, 3000);
        proc(800, "bash", 'S', 1, 800, 100, 500);
        proc(4711, "java", 'R', 800, 4711, 5000, 60000);
        proc(4712, "worker", 'S', 4711, 4711, 5001, 100);
        proc(4713, "grand", 'S', 4712, 4711, 5002, 50);
        proc(4714, "x) R 1 (y", 'D', 1, 4714, 6000, 300);
        proc(4715, "defunct", 'Z', 4714, 4714, 6001, 0);
        char procs[256] = "4711\n4713\n4714\n4715\n";
        for (int i = 0; i < 12; i++) {
                proc(5000 + i, "small", 'S', 1, 5000 + i, 7000, (unsigned long long)i + 1);
                snprintf(procs + strlen(procs), sizeof(procs) - strlen(procs), "%d\n", 5000 + i);
        }
        put("/sys/fs/cgroup/memory/web/cgroup.procs", procs);
        put("/sys/fs/cgroup/memory/web/child/cgroup.procs", "4712\n");
        put("/sys/fs/cgroup/memory/web/memory.stat", "cache 4096\nrss 245760000\ninactive_file 0\n");
        put("/sys/fs/cgroup/memory/web/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        put("/sys/fs/cgroup/memory/web/memory.usage_in_bytes", "104857600\n");
        return 0;
}

static int teardown(void **state) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        return system(cmd) == 0 ? 0 : -1;
}

/* What the kill path captured: the victim 4711 in /web, 300 MiB used. */
static void captured(void) {
        report_begin(&r, REPORT_ACTION, UINT64_C(1796120553123000000));
        r.victim = (struct report_victim){ .has = true,
                                           .pid = 4711,
                                           .ppid = 800,
                                           .comm = "java",
                                           .rss_bytes = 60000 * (uint64_t)page,
                                           .oom_score = 711,
                                           .start_time_ticks = 5000 };
        r.cgroup.has = true;
        snprintf(r.cgroup.path, sizeof(r.cgroup.path), "/web");
        r.cgroup.stats.version = CGROUP_V1;
        r.cgroup.stats.usage = 300 << 20;
}

static void gather(size_t size) {
        struct report_gather_args a = { .root = root, .cgroup_dir = cg, .version = CGROUP_V1 };
        assert_int_equal(report_gather(&r, &a, scratch, size), 0);
}

static void expect_tree(const int *pids, const enum report_relation *rels, size_t n) {
        assert_int_equal(r.n_tree, n);
        for (size_t i = 0; i < n; i++) {
                assert_int_equal(r.tree[i].pid, pids[i]);
                assert_int_equal(r.tree[i].relation, rels[i]);
        }
}

static void test_fixture_alive(void **state) {
        captured();
        gather(sizeof(scratch));
        /* the top: 10 of the 17 processes of the cgroup and its child, biggest first */
        assert_int_equal(r.scope_processes, 17);
        assert_int_equal(r.n_top, REPORT_TOP_MAX);
        assert_int_equal(r.top[0].pid, 4711);
        assert_int_equal(r.top[1].pid, 4714);
        assert_string_equal(r.top[1].comm, "x) R 1 (y");
        assert_int_equal(r.top[2].pid, 4712);
        assert_int_equal(r.top[3].pid, 4713);
        assert_int_equal(r.top[4].pid, 5011);
        assert_int_equal(r.top[9].pid, 5006);
        assert_true(r.top[1].rss_bytes == 300 * (uint64_t)page);
        assert_int_equal(r.top[1].oom_score, 714);
        assert_int_equal(r.top[1].oom_score_adj, -5);
        /* counted here: the caller had none */
        assert_true(r.has_tasks && r.tasks_after);
        assert_int_equal(r.tasks.processes, 17);
        assert_int_equal(r.tasks.threads, 17 * 3);
        assert_int_equal(r.tasks.dstate, 1);
        assert_int_equal(r.tasks.zombies, 1);
        /* ancestors root first, the victim alive, its descendants in preorder */
        static const int pids[] = { 1, 800, 4711, 4712, 4713 };
        static const enum report_relation rels[] = { REPORT_REL_ANCESTOR, REPORT_REL_ANCESTOR, REPORT_REL_VICTIM,
                                                     REPORT_REL_DESCENDANT, REPORT_REL_DESCENDANT };
        expect_tree(pids, rels, 5);
        assert_false(r.victim.gone);
        assert_int_equal(r.tree[2].state, 'R');
        assert_int_equal(r.tree[2].oom_score, 711);
        assert_false(r.tree_cut);
        /* the cgroup's files after, and what was freed */
        assert_int_equal(r.cgroup.n_stat, 3);
        assert_string_equal(r.cgroup.stat[1].key, "rss");
        assert_int_equal(r.cgroup.stat[1].value, 245760000);
        assert_int_equal(r.cgroup.n_events, 3);
        assert_string_equal(r.cgroup.events[2].key, "oom_kill");
        assert_int_equal(r.cgroup.events[2].value, 2);
        assert_true(r.cgroup.has_usage_after);
        assert_int_equal(r.cgroup.usage_after, 100 << 20);
        assert_true(r.has_freed);
        assert_int_equal(r.freed_bytes, 200 << 20);
        /* the machine, read here: no machine freed_bytes from it */
        assert_true(r.machine.has_mem && r.has_mem_after);
        assert_true(r.machine.mem.mem_available == UINT64_C(2000000) * 1024);
        assert_true(r.victim.start_time_ns > 0);
        assert_true(r.gather_ns > 0);
}

/* Its pid was reused (another start time), its children given to PID 1:
 * gone, and what is left of it is its process group. */
static void test_fixture_gone(void **state) {
        proc(4712, "worker", 'S', 1, 4711, 5001, 100);
        proc(4713, "grand", 'S', 4712, 4711, 5002, 50);
        captured();
        r.victim.start_time_ticks = 4999;
        r.has_tasks = true; /* the decision's counts stay */
        r.tasks.processes = 99;
        gather(sizeof(scratch));
        assert_true(r.victim.gone);
        assert_int_equal(r.tasks.processes, 99);
        assert_false(r.tasks_after);
        static const int pids[] = { 1, 800, 4711, 4713, 4712 }; /* the group in the scope's order */
        static const enum report_relation rels[] = { REPORT_REL_ANCESTOR, REPORT_REL_ANCESTOR, REPORT_REL_VICTIM,
                                                     REPORT_REL_GROUP, REPORT_REL_GROUP };
        expect_tree(pids, rels, 5);
        assert_int_equal(r.tree[2].state, 'X');
        assert_string_equal(r.tree[2].comm, "java");
        proc(4712, "worker", 'S', 4711, 4711, 5001, 100);
}

/* A scratch that holds a part of the scope: the top and the counts still
 * see all of it, the tree what it holds (and says so). Too small a
 * scratch is refused. */
static void test_fixture_small_scratch(void **state) {
        captured();
        gather(16384 + 64 + 3 * 12);
        assert_int_equal(r.scope_processes, 17);
        assert_int_equal(r.n_top, REPORT_TOP_MAX);
        assert_true(r.tree_cut);
        captured();
        struct report_gather_args a = { .root = root, .cgroup_dir = cg, .version = CGROUP_V1 };
        assert_int_equal(report_gather(&r, &a, scratch, 16384), -EINVAL);
        /* a cgroup that is gone: what could be read stays, the walk fails */
        char gone[160];
        snprintf(gone, sizeof(gone), "%s/nothing", cg);
        a.cgroup_dir = gone;
        captured();
        assert_int_equal(report_gather(&r, &a, scratch, sizeof(scratch)), -ENOENT);
        assert_true(r.machine.has_mem);
        assert_false(r.has_freed);
}

static pid_t child_that_pauses(void) {
        pid_t p = fork();
        assert_true(p >= 0);
        if (p == 0) {
                alarm(20); /* whatever the test does, never left behind */
                pause();
                _exit(0);
        }
        return p;
}

/* This machine: a child leading its own process group with two children
 * of its own; reported alive, then killed. */
static void test_live_machine(void **state) {
        int sync[2];
        assert_int_equal(pipe(sync), 0);
        pid_t leader = fork();
        assert_true(leader >= 0);
        if (leader == 0) {
                setpgid(0, 0);
                alarm(20);
                pid_t kids[2] = { child_that_pauses(), child_that_pauses() };
                assert_int_equal(write(sync[1], kids, sizeof(kids)), sizeof(kids));
                pause();
                _exit(0);
        }
        pid_t kids[2];
        assert_int_equal(read(sync[0], kids, sizeof(kids)), sizeof(kids));
        report_begin(&r, REPORT_ACTION, UINT64_C(1796120553123000000));
        r.victim = (struct report_victim){ .has = true, .pid = leader, .ppid = getpid(), .comm = "test" };
        r.machine.has_mem = read_meminfo("/", &r.machine.mem) == 0; /* the decision's (the snapshot's) */
        struct report_gather_args a = { .root = "/" };
        assert_int_equal(report_gather(&r, &a, scratch, sizeof(scratch)), 0);
        assert_true(r.scope_processes >= 4);
        assert_true(r.n_top > 0);
        for (size_t i = 1; i < r.n_top; i++)
                assert_true(r.top[i - 1].rss_bytes >= r.top[i].rss_bytes);
        assert_true(r.has_tasks && r.tasks.processes >= 4);
        assert_true(r.machine.has_mem);
        assert_false(r.cgroup.has);
        assert_true(r.has_freed); /* machine: MemAvailable after minus at the decision */
        size_t v = 0;
        while (v < r.n_tree && r.tree[v].relation != REPORT_REL_VICTIM)
                v++;
        assert_true(v >= 1 && v + 2 < r.n_tree);
        assert_int_equal(r.tree[v - 1].pid, getpid());
        assert_int_equal(r.tree[v].pid, leader);
        assert_int_equal(r.tree[v + 1].relation, REPORT_REL_DESCENDANT);
        assert_int_equal(r.tree[v + 2].relation, REPORT_REL_DESCENDANT);
        assert_true(r.tree[v + 1].pid == kids[0] || r.tree[v + 1].pid == kids[1]);
        assert_false(r.victim.gone);
        assert_int_equal(r.tree[v].state == 'S' || r.tree[v].state == 'R', 1);
        /* killed: its children go to a reaper; its group is what is left */
        kill(leader, SIGKILL);
        waitpid(leader, NULL, 0);
        report_begin(&r, REPORT_ACTION, UINT64_C(1796120553123000000));
        r.victim = (struct report_victim){ .has = true, .pid = leader, .ppid = getpid(), .comm = "test" };
        assert_int_equal(report_gather(&r, &a, scratch, sizeof(scratch)), 0);
        assert_true(r.victim.gone);
        v = r.n_tree - 3;
        assert_int_equal(r.tree[v].pid, leader);
        assert_int_equal(r.tree[v].state, 'X');
        assert_int_equal(r.tree[v + 1].relation, REPORT_REL_GROUP);
        assert_int_equal(r.tree[v + 2].relation, REPORT_REL_GROUP);
        kill(-leader, SIGKILL);
        close(sync[0]);
        close(sync[1]);
}

/* After setup, gathering (the fixture cgroup, and the real machine) and
 * writing reports call malloc zero times. */
static void test_no_allocation(void **state) {
#if !COUNTING
        skip();
#else
        static char json[REPORT_JSON_MAX];
        char dir[96], path[256];
        snprintf(dir, sizeof(dir), "%s/reports", root);
        struct daemon_settings d = { .report_max_files = 3, .report_max_bytes = 1 << 20 };
        snprintf(d.report_dir, sizeof(d.report_dir), "%s", dir);
        struct report_store s;
        assert_int_equal(report_store_init(&s, &d), 0);
        captured();
        gather(sizeof(scratch));
        assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 1);
        unsigned long before = n_allocs;
        for (int i = 0; i < 5; i++) {
                captured();
                gather(sizeof(scratch));
                assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 1);
                struct report_gather_args a = { .root = "/" };
                report_begin(&r, REPORT_ACTION, 1);
                assert_int_equal(report_gather(&r, &a, scratch, sizeof(scratch)), 0);
        }
        assert_int_equal(n_allocs - before, 0);
        assert_int_equal(s.written, 6);
        assert_int_equal(s.removed, 3);
        report_store_free(&s);
#endif
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fixture_alive),         cmocka_unit_test(test_fixture_gone),
                cmocka_unit_test(test_fixture_small_scratch), cmocka_unit_test(test_live_machine),
                cmocka_unit_test(test_no_allocation),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
