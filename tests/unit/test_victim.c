/* Victim choice on a fixture tree: who is never chosen, protect with
 * several terms, and protect failing closed when a fact it needs cannot
 * be read. */
#include "testing.h"

#include <stdio.h>

#include "../fixtures/sources/tree.h"
#include "actions/victim.h"

static char *root;

/* A process in the tree: stat, status, oom_score_adj, cmdline (optional). */
static void proc(pid_t pid, const char *comm, char state, unsigned long flags, unsigned long rss_kb, int adj,
                 const char *cmdline) {
        char rel[64], text[512];
        snprintf(rel, sizeof(rel), "/proc/%d/stat", (int)pid);
        snprintf(text, sizeof(text), "%d (%s) %c 1 %d %d 0 -1 %lu 10 0 0 0 5 3 0 0 20 0 1 0 %d 104857600 %lu 0\n",
                 (int)pid, comm, state, (int)pid, (int)pid, flags, 1000 + (int)pid, rss_kb / 4);
        tree_write(root, rel, text);
        snprintf(rel, sizeof(rel), "/proc/%d/status", (int)pid);
        snprintf(text, sizeof(text), "Name:\t%s\nUid:\t0\t0\t0\t0\nVmRSS:\t%lu kB\nVmSwap:\t0 kB\nVmPTE:\t4 kB\n", comm,
                 rss_kb);
        tree_write(root, rel, text);
        snprintf(rel, sizeof(rel), "/proc/%d/oom_score_adj", (int)pid);
        snprintf(text, sizeof(text), "%d\n", adj);
        tree_write(root, rel, text);
        if (cmdline) {
                snprintf(rel, sizeof(rel), "/proc/%d/cmdline", (int)pid);
                tree_write(root, rel, cmdline);
        }
}

/* /proc/PID/exe, a symlink to target. */
static void exe(pid_t pid, const char *target) {
        char rel[64], path[PATH_MAX];
        snprintf(rel, sizeof(rel), "/proc/%d/exe", (int)pid);
        tree_path(path, sizeof(path), root, rel);
        assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state) {
        root = tree_new();
        tree_write(root, "/cg/cgroup.procs", "1\n10\n11\n12\n13\n14\n15\n");
        proc(1, "init", 'S', 0, 900000, 0, "/sbin/init");
        proc(10, "kworker", 'I', 0x00200000, 800000, 0, "");
        proc(11, "zomb", 'Z', 0, 700000, 0, "");
        proc(12, "sshd", 'S', 0, 600000, -1000, "sshd");
        proc(13, "nocmd", 'S', 0, 500000, 0, NULL); /* cmdline unreadable */
        proc(14, "db", 'S', 0, 400000, 0, "postgres: main");
        proc(15, "small", 'S', 0, 100000, 0, "small");
        exe(14, "/usr/lib/postgresql/15/bin/postgres (deleted)");
        exe(15, "/usr/bin/small");
        return 0;
}

static int teardown(void **state) {
        tree_rm(root);
        free(root);
        return 0;
}

static void choose(const struct matcher_list *protect, pid_t want) {
        char dir[512];
        tree_path(dir, sizeof(dir), root, "/cg");
        struct victim_policy vp = {
                .root = root, .protect = { protect, NULL }, .self = 99999, .scope_bytes = UINT64_C(1) << 30
        };
        struct victim v;
        assert_int_equal(victim_choose(&vp, dir, &v, NULL), 0);
        assert_int_equal(v.pid, want);
}

static struct matcher_list list_of(const char *spec) {
        struct matcher_list l = { 0 };
        struct matcher m;
        char err[128];
        assert_int_equal(matcher_parse(spec, &m, err, sizeof(err)), 0);
        assert_int_equal(matcher_list_add(&l, &m), 0);
        return l;
}

static void test_never_victims(void **state) {
        /* init, the kernel thread, the zombie and -1000 are bigger, yet skipped. */
        choose(NULL, 13);
}

static void test_protect_fails_closed(void **state) {
        /* protect by cmdline: "nocmd" has no readable cmdline, so it might
         * be protected: it is spared, and "db" (next biggest) is chosen. */
        struct matcher_list l = list_of("cmdline:^ssh");
        choose(&l, 14);
        matcher_list_free(&l);
        /* protect by comm (always known): nocmd is eligible again. */
        l = list_of("comm:^db$");
        choose(&l, 13);
        matcher_list_free(&l);
}

static void test_protect_terms(void **state) {
        /* every term must match: nocmd is uid 0 */
        struct matcher_list l = list_of("comm:^nocmd$ && user:1");
        choose(&l, 13);
        matcher_list_free(&l);
        l = list_of("user:0 && comm:^nocmd$");
        choose(&l, 14);
        matcher_list_free(&l);
        /* exe: db's is read (" (deleted)" cut) and matches; nocmd has none
         * to read, so it is spared too (fails closed) */
        l = list_of("exe:/usr/lib/postgresql/*/bin/postgres");
        choose(&l, 15);
        matcher_list_free(&l);
}

static void test_spares(void **state) {
        struct victim_policy vp = { .root = root, .self = 15 };
        struct proc_stat st;
        assert_int_equal(read_proc_stat(root, 12, &st), 0);
        assert_true(victim_policy_spares(&vp, &st)); /* -1000 */
        assert_int_equal(read_proc_stat(root, 15, &st), 0);
        assert_true(victim_policy_spares(&vp, &st)); /* oomguard itself */
        assert_int_equal(read_proc_stat(root, 14, &st), 0);
        assert_false(victim_policy_spares(&vp, &st));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_never_victims),
                cmocka_unit_test(test_protect_fails_closed),
                cmocka_unit_test(test_protect_terms),
                cmocka_unit_test(test_spares),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
