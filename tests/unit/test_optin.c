/* The opt-in modes' pure parts: the tripwire level, the restore state
 * file's lines, and replaying a state file against a fake cgroup tree;
 * the oom_handler decision and the config keys. */
#include "testing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "actions/restore.h"
#include "policy/config.h"
#include "policy/evaluate.h"
#include "policy/tripwire.h"
#include "util.h"

#define PAGE UINT64_C(4096)
#define MiB (UINT64_C(1) << 20)

static struct size_or_pct pct(double p) { return (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = p }; }
static struct size_or_pct bytes(uint64_t b) { return (struct size_or_pct){ .kind = SIZE_BYTES, .bytes = b }; }

static void level_is(struct size_or_pct t, uint64_t max, uint64_t want) {
        uint64_t got = 7;
        int r = tripwire_level(&t, max, PAGE, &got);
        if (r != 0 || got != want)
                fail_msg("tripwire_level(max %llu) = %d, %llu; want %llu", (unsigned long long)max, r,
                         (unsigned long long)got, (unsigned long long)want);
}

static void level_fails(struct size_or_pct t, uint64_t max, int err) {
        uint64_t got = 7;
        assert_int_equal(tripwire_level(&t, max, PAGE, &got), err);
        assert_int_equal(got, 7); /* untouched */
}

static void test_tripwire_level(void **state) {
        level_is(pct(95), 128 * MiB, 127504384); /* 121.6 MiB, down to a page */
        level_is(pct(50), 128 * MiB, 64 * MiB);
        level_is(bytes(8 * MiB), 128 * MiB, 120 * MiB);
        level_is(bytes(1000), 10 * PAGE, 9 * PAGE); /* max - 1000, down to a page */
        level_is(pct(95), 10 * PAGE, 9 * PAGE);     /* 9.5 pages -> 9 */
        level_is(pct(99.99), UINT64_C(1) << 30, 1073631232);
        level_is(pct(90), UINT64_C(1) << 50, 1013309916155904); /* 1013309916158361.6, down to a page */
        /* 8589306482704383.5, 4095 bytes above a page: a double product
         * rounds it up to the next page, over 93% of the limit */
        level_is(pct(93), 9235813422262778, 8589306482700288);
}

/* For every whole percentage and a spread of limits (page-aligned or not,
 * 2 pages to 64 PiB), the level is what its definition says: a multiple
 * of the page, at most p% of max, and less than a page below p% of max
 * (checked in exact integer arithmetic, not the way the code computes it);
 * -ERANGE when p% of max is under a page. The same for a size under max. */
static void test_tripwire_level_definition(void **state) {
        uint64_t x = 88172645463325252u;
        for (int i = 0; i < 3000; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64: the same limits every run */
                uint64_t max = 2 * PAGE + x % (UINT64_C(1) << (13 + i % 44));
                if (i % 3 == 0)
                        max -= max % PAGE;
                for (int p = 1; p < 100; p++) {
                        uint64_t got = 7, of = max * (uint64_t)p; /* 100 * (p% of max); < 2^63 */
                        int r = tripwire_level(&(struct size_or_pct){ .kind = SIZE_PERCENT, .percent = p }, max, PAGE,
                                               &got);
                        bool want_range = of < 100 * PAGE;
                        if (want_range ? r != -ERANGE || got != 7
                                       : r != 0 || got % PAGE || got * 100 > of || (got + PAGE) * 100 <= of)
                                fail_msg("tripwire_level(%d%%, max %llu) = %d, %llu", p, (unsigned long long)max, r,
                                         (unsigned long long)got);
                }
                uint64_t b = 1 + x % (max - 1), got = 7; /* a size under max */
                int r = tripwire_level(&(struct size_or_pct){ .kind = SIZE_BYTES, .bytes = b }, max, PAGE, &got);
                if (max - b < PAGE ? r != -ERANGE || got != 7
                                   : r != 0 || got % PAGE || got > max - b || got + PAGE <= max - b)
                        fail_msg("tripwire_level(%llu bytes, max %llu) = %d, %llu", (unsigned long long)b,
                                 (unsigned long long)max, r, (unsigned long long)got);
        }
}

static void test_tripwire_edges(void **state) {
        level_fails(pct(95), BYTES_UNLIMITED, -ENOENT); /* memory.max = max: nothing to trip */
        level_fails(bytes(MiB), BYTES_UNLIMITED, -ENOENT);
        level_fails(pct(95), PAGE, -ERANGE); /* 0.95 page -> 0 */
        level_fails(pct(50), PAGE + 100, -ERANGE);
        level_fails(bytes(128 * MiB), 128 * MiB, -ERANGE);
        level_fails(bytes(200 * MiB), 128 * MiB, -ERANGE);
        level_fails(bytes(4095), PAGE, -ERANGE); /* 1 byte -> 0 */
        level_fails(pct(100), 128 * MiB, -ERANGE);
        level_fails(pct(0), 128 * MiB, -ERANGE);
        level_fails((struct size_or_pct){ .kind = SIZE_UNSET }, 128 * MiB, -EINVAL);
        uint64_t got = 7;
        struct size_or_pct t = pct(95);
        assert_int_equal(tripwire_level(&t, 128 * MiB, 0, &got), -EINVAL);
}

static void test_tripwire_should_set(void **state) {
        assert_true(tripwire_should_set(BYTES_UNLIMITED, 100 * MiB)); /* "max" */
        assert_true(tripwire_should_set(120 * MiB, 100 * MiB));       /* higher: lowered */
        assert_false(tripwire_should_set(100 * MiB, 100 * MiB));      /* ours already */
        assert_false(tripwire_should_set(64 * MiB, 100 * MiB));       /* the admin's lower one stays */
}

static void test_restore_line_roundtrip(void **state) {
        char buf[RESTORE_LINE_MAX], line[RESTORE_LINE_MAX];
        struct restore_entry e = { .key = RESTORE_MEMORY_HIGH,
                                   .original = "max",
                                   .ours = "127506432",
                                   .path = "/sys/fs/cgroup/a b/memory.high" };
        int n = restore_format_line(&e, buf, sizeof(buf));
        assert_string_equal(buf, "memory.high max 127506432 /sys/fs/cgroup/a b/memory.high\n");
        assert_int_equal(n, (int)strlen(buf));
        memcpy(line, buf, (size_t)n - 1);
        line[n - 1] = '\0';
        struct restore_entry got;
        assert_int_equal(restore_parse_line(line, &got), 0);
        assert_int_equal(got.key, RESTORE_MEMORY_HIGH);
        assert_string_equal(got.original, "max");
        assert_string_equal(got.ours, "127506432");
        assert_string_equal(got.path, "/sys/fs/cgroup/a b/memory.high"); /* spaces kept */

        e = (struct restore_entry){ .key = RESTORE_OOM_KILL_DISABLE,
                                    .original = "0",
                                    .ours = "1",
                                    .path = "/sys/fs/cgroup/memory/x/memory.oom_control" };
        assert_true(restore_format_line(&e, buf, sizeof(buf)) > 0);
        assert_string_equal(buf, "oom_kill_disable 0 1 /sys/fs/cgroup/memory/x/memory.oom_control\n");
        assert_int_equal(restore_format_line(&e, buf, 20), -ENOBUFS);
}

static void test_restore_line_bad(void **state) {
        char buf[RESTORE_LINE_MAX];
        struct restore_entry e = { .key = RESTORE_MEMORY_HIGH, .original = "max", .ours = "1", .path = "rel/x" };
        assert_int_equal(restore_format_line(&e, buf, sizeof(buf)), -EINVAL);
        e.path = "/a\n/b";
        assert_int_equal(restore_format_line(&e, buf, sizeof(buf)), -EINVAL);
        e.path = "/a";
        snprintf(e.ours, sizeof(e.ours), "12k");
        assert_int_equal(restore_format_line(&e, buf, sizeof(buf)), -EINVAL);

        static const char *const bad[] = {
                "",
                "memory.high",
                "memory.high max 1",
                "memory.high max 1 ",
                "memory.high max 1 relative",
                "memory.low max 1 /x",
                "memory.high -1 1 /x",
                "memory.high max 1x /x",
                "memory.high  max 1 /x",
                "oom_kill_disable 0 123456789012345678901 /x",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char line[128];
                struct restore_entry got = { .path = (char *)"untouched" };
                snprintf(line, sizeof(line), "%s", bad[i]);
                if (restore_parse_line(line, &got) != -EINVAL)
                        fail_msg("\"%s\" parsed", bad[i]);
                assert_string_equal(got.path, "untouched");
        }
}

static void test_restore_holds(void **state) {
        assert_true(restore_holds(RESTORE_MEMORY_HIGH, "127506432\n", 10, "127506432"));
        assert_false(restore_holds(RESTORE_MEMORY_HIGH, "max\n", 4, "127506432"));
        assert_false(restore_holds(RESTORE_MEMORY_HIGH, "1275064320\n", 11, "127506432"));
        assert_true(restore_holds(RESTORE_MEMORY_HIGH, "max\n", 4, "max"));
        static const char on[] = "oom_kill_disable 1\nunder_oom 1\noom_kill 0\n";
        static const char off[] = "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n";
        assert_true(restore_holds(RESTORE_OOM_KILL_DISABLE, on, strlen(on), "1"));
        assert_false(restore_holds(RESTORE_OOM_KILL_DISABLE, off, strlen(off), "1"));
        assert_false(restore_holds(RESTORE_OOM_KILL_DISABLE, "garbage", 7, "1"));
}

static void put(const char *dir, const char *name, const char *text) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void get(const char *dir, const char *name, char *buf, size_t size) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        assert_true(read_file_at("/", path, buf, size) >= 0);
}

static void count(const struct restore_entry *e, int r, void *ud) {
        int *n = ud;
        n[r > 0 ? 0 : r == 0 ? 1 : 2]++;
}

/* Write a state file with four entries over a fake tree, replay it: only
 * files that still hold ours are put back; the file is removed. */
static void test_restore_replay(void **state) {
        char dir[] = "/tmp/test_optin.XXXXXX", file[4096], p[4][4096], buf[128];
        assert_non_null(mkdtemp(dir));
        put(dir, "a.high", "127506432\n"); /* ours: restored */
        put(dir, "b.high", "64000000\n");  /* someone else's since: stays */
        put(dir, "c.oom", "1");            /* a fake oom_control (written as is) */
        for (int i = 0; i < 4; i++)
                snprintf(p[i], sizeof(p[i]), "%s/%s", dir,
                         (const char *[]){ "a.high", "b.high", "gone/x", "c.oom" }[i]);
        put(dir, "c.oom", "oom_kill_disable 1\nunder_oom 0\noom_kill 0\n");
        struct restore_entry e[] = {
                { .key = RESTORE_MEMORY_HIGH, .original = "max", .ours = "127506432", .path = p[0] },
                { .key = RESTORE_MEMORY_HIGH, .original = "max", .ours = "127506432", .path = p[1] },
                { .key = RESTORE_MEMORY_HIGH, .original = "max", .ours = "1", .path = p[2] },
                { .key = RESTORE_OOM_KILL_DISABLE, .original = "0", .ours = "1", .path = p[3] },
        };
        snprintf(file, sizeof(file), "%s/state/restore", dir); /* the directory is created */
        assert_int_equal(restore_file_write(file, e, ELEMENTSOF(e)), 0);
        int lock = restore_file_lock(file);
        assert_true(lock >= 0);
        int n[3] = { 0 };
        assert_int_equal(restore_file_replay(file, count, n), 2);
        close(lock);
        assert_int_equal(n[0], 2);
        assert_int_equal(n[1], 2);
        assert_int_equal(n[2], 0);
        get(dir, "a.high", buf, sizeof(buf));
        assert_memory_equal(buf, "max506432", 9); /* "max" over the start (a regular file is not truncated) */
        get(dir, "b.high", buf, sizeof(buf));
        assert_string_equal(buf, "64000000\n");
        get(dir, "c.oom", buf, sizeof(buf));
        assert_int_equal(buf[0], '0');            /* "0" written over the start of the fake file */
        assert_int_equal(access(file, F_OK), -1); /* replayed: removed */
        assert_int_equal(restore_file_replay(file, NULL, NULL), -ENOENT);
        /* No entries: no file. */
        assert_int_equal(restore_file_write(file, e, 1), 0);
        assert_int_equal(restore_file_write(file, e, 0), 0);
        assert_int_equal(access(file, F_OK), -1);
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

/* Appending: one line per new entry; a tail a failed write left (no
 * newline) makes the next append rewrite the whole file, so every entry
 * still parses. */
static void test_restore_append(void **state) {
        char dir[] = "/tmp/test_optin.XXXXXX", file[4096], p[3][4096];
        assert_non_null(mkdtemp(dir));
        for (int i = 0; i < 3; i++)
                snprintf(p[i], sizeof(p[i]), "%s/c%d.oom", dir, i);
        struct restore_entry e[3];
        for (int i = 0; i < 3; i++)
                e[i] = (struct restore_entry){
                        .key = RESTORE_OOM_KILL_DISABLE, .original = "0", .ours = "1", .path = p[i]
                };
        snprintf(file, sizeof(file), "%s/restore", dir);
        assert_int_equal(restore_file_append(file, e, 1), 0); /* no file yet: written whole */
        assert_int_equal(restore_file_append(file, e, 2), 0);
        FILE *f = fopen(file, "a");
        assert_non_null(f);
        fputs("oom_kill_disable 0 1 /half", f); /* a short write's tail */
        fclose(f);
        assert_int_equal(restore_file_append(file, e, 3), 0);
        char text[4096];
        f = fopen(file, "r");
        size_t n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        assert_null(strstr(text, "/half"));
        int lines = 0;
        for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
                struct restore_entry got;
                if (l[0] == '#')
                        continue;
                assert_int_equal(restore_parse_line(l, &got), 0);
                assert_string_equal(got.path, p[lines]);
                lines++;
        }
        assert_int_equal(lines, 3);
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

/* A path with a newline cannot be listed ("KEY ORIGINAL OURS PATH" to the
 * end of the line): appending or rewriting refuses it and the file keeps
 * exactly what it held, so the caller does not make the change. */
static void test_restore_newline_path_refused(void **state) {
        char dir[] = "/tmp/test_optin.XXXXXX", file[4096], good[4096], text[4096];
        assert_non_null(mkdtemp(dir));
        snprintf(good, sizeof(good), "%s/c0.oom", dir);
        snprintf(file, sizeof(file), "%s/restore", dir);
        struct restore_entry e[2] = {
                { .key = RESTORE_OOM_KILL_DISABLE, .original = "0", .ours = "1", .path = good },
                { .key = RESTORE_OOM_KILL_DISABLE,
                  .original = "0",
                  .ours = "1",
                  .path = "/x\noom_kill_disable 0 1 /y" },
        };
        assert_int_equal(restore_file_append(file, e, 1), 0);
        assert_int_equal(restore_file_append(file, e, 2), -EINVAL);
        assert_int_equal(restore_file_write(file, e, 2), -EINVAL);
        FILE *f = fopen(file, "r");
        assert_non_null(f);
        size_t n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        char want[4200];
        snprintf(want, sizeof(want),
                 "# oomguard: cgroup values to put back (KEY ORIGINAL OURS [@PID:STARTTIME ]PATH)\n"
                 "oom_kill_disable 0 1 %s\n",
                 good);
        assert_string_equal(text, want);
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

static void test_oom_handler_check(void **state) {
        struct rule r = { .oom_handler = true };
        struct cgroup_view cg = { .valid = true,
                                  .oom_handler_ours = true,
                                  .stats = { .version = CGROUP_V1, .oom_kill_disable = true, .oom = 1 } };
        char reason[DECISION_REASON_MAX];
        assert_true(oom_handler_check(&r, &cg, reason, sizeof(reason)));
        cg.oom_handler_ours = false; /* an admin's oom_kill_disable: theirs */
        assert_false(oom_handler_check(&r, &cg, reason, sizeof(reason)));
        cg.oom_handler_ours = true;
        assert_string_equal(reason, "under OOM, the kernel's OOM killer disabled (oom_handler)");
        cg.stats.oom = 0;
        assert_false(oom_handler_check(&r, &cg, reason, sizeof(reason)));
        cg.stats.oom = 1;
        cg.stats.oom_kill_disable = false; /* the kernel kills: nothing to handle */
        assert_false(oom_handler_check(&r, &cg, reason, sizeof(reason)));
        cg.stats.oom_kill_disable = true;
        r.oom_handler = false;
        assert_false(oom_handler_check(&r, &cg, reason, sizeof(reason)));
        r.oom_handler = true;
        cg.stats.version = CGROUP_V2;
        assert_false(oom_handler_check(&r, &cg, reason, sizeof(reason)));
}

static int load(const char *text, struct policy *p, struct config_errors *e) {
        FILE *f = fmemopen((void *)text, strlen(text), "r");
        assert_non_null(f);
        int r = config_load_stream(f, "t.conf", p, e);
        fclose(f);
        return r;
}

static void test_config_keys(void **state) {
        struct policy p;
        struct config_errors e = { 0 };
        assert_int_equal(load("[cgroup:a]\npath = /a\noom_handler = yes\n"
                              "[cgroup:b]\npath = /b\nusage_above = 90%\ntripwire = 8M\n",
                              &p, &e),
                         0);
        assert_true(p.cgroups[0].oom_handler); /* needs no threshold */
        assert_int_equal(p.cgroups[0].tripwire.kind, SIZE_UNSET);
        assert_false(p.cgroups[1].oom_handler);
        assert_int_equal(p.cgroups[1].tripwire.kind, SIZE_BYTES);
        assert_int_equal(p.cgroups[1].tripwire.bytes, 8 * MiB);
        policy_free(&p);
        config_errors_free(&e);

        assert_int_equal(load("[cgroup:a]\npath = /a\nusage_above = 90%\ntripwire = 100%\ntripwire = 0\n"
                              "oom_handler = maybe\n[global]\nmem_available_below = 5%\ntripwire = 95%\n"
                              "[cgroup:c]\npath = /c\noom_handler = no\n",
                              &p, &e),
                         -EINVAL);
        static const char *const want[] = {
                "t.conf:4: tripwire: \"100%\" must lie inside the limit (a size above 0 or a percentage above 0% and below 100%)",
                "t.conf:5: tripwire: duplicate key (first set on line 4)",
                "t.conf:6: oom_handler: invalid boolean \"maybe\" (yes/no, true/false, on/off, 1/0)",
                "t.conf:9: tripwire: only valid in [cgroup:NAME]",
                "t.conf:10: [cgroup:c]: no threshold set; the rule would never fire",
        };
        assert_int_equal(e.n, ELEMENTSOF(want));
        for (size_t i = 0; i < e.n; i++)
                assert_string_equal(e.msgs[i], want[i]);
        config_errors_free(&e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_tripwire_level),         cmocka_unit_test(test_tripwire_level_definition),
                cmocka_unit_test(test_tripwire_edges),         cmocka_unit_test(test_tripwire_should_set),
                cmocka_unit_test(test_restore_line_roundtrip), cmocka_unit_test(test_restore_line_bad),
                cmocka_unit_test(test_restore_holds),          cmocka_unit_test(test_restore_replay),
                cmocka_unit_test(test_restore_append),         cmocka_unit_test(test_restore_newline_path_refused),
                cmocka_unit_test(test_oom_handler_check),      cmocka_unit_test(test_config_keys),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
