/* The restore file's entries made through /proc/PID/root (a sidecar's
 * app container): the identity they carry (@PID:STARTTIME), the pure
 * check, and the apply step refusing a pid that is another process now,
 * against a real child process whose /proc/PID/root is our own root. */
#include "testing.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actions/optin.h"
#include "actions/restore.h"
#include "sources/proc_pid.h"

static void test_path_pid(void **state) {
        assert_int_equal(restore_path_pid("/proc/123/root/sys/fs/cgroup/memory.high"), 123);
        assert_int_equal(restore_path_pid("/sys/fs/cgroup/a/memory.high"), 0);
        assert_int_equal(restore_path_pid("/proc/self/root/x"), 0);
        assert_int_equal(restore_path_pid("/proc/12x/root/x"), 0);
        assert_int_equal(restore_path_pid("/proc/123"), 0);
        assert_int_equal(restore_path_pid("/proc//root"), 0);
        assert_int_equal(restore_path_pid("/proc/0/root/x"), 0);
        assert_int_equal(restore_path_pid("/proc/99999999999/root/x"), 0);
}

static void test_line_with_anchor(void **state) {
        char buf[RESTORE_LINE_MAX], line[RESTORE_LINE_MAX];
        struct restore_entry e = { .key = RESTORE_MEMORY_HIGH,
                                   .anchor = { .pid = 4242, .starttime = 18446744073709551615ULL },
                                   .original = "max",
                                   .ours = "1000",
                                   .path = "/proc/4242/root/sys/fs/cgroup/memory.high" };
        int n = restore_format_line(&e, buf, sizeof(buf));
        assert_true(n > 0);
        assert_string_equal(
                buf, "memory.high max 1000 @4242:18446744073709551615 /proc/4242/root/sys/fs/cgroup/memory.high\n");
        snprintf(line, sizeof(line), "%.*s", n - 1, buf);
        struct restore_entry got;
        assert_int_equal(restore_parse_line(line, &got), 0);
        assert_int_equal(got.anchor.pid, 4242);
        assert_true(got.anchor.starttime == 18446744073709551615ULL);
        assert_string_equal(got.path, e.path);
        /* Without an identity (an older file's line) it formats back as it
         * was; an identity of another pid, or on a path of our own, never. */
        e.anchor = (struct restore_anchor){ 0 };
        assert_true(restore_format_line(&e, buf, sizeof(buf)) > 0);
        assert_string_equal(buf, "memory.high max 1000 /proc/4242/root/sys/fs/cgroup/memory.high\n");
        e.anchor = (struct restore_anchor){ .pid = 4243, .starttime = 1 };
        assert_int_equal(restore_format_line(&e, buf, sizeof(buf)), -EINVAL);
        e.path = "/sys/fs/cgroup/a/memory.high";
        assert_int_equal(restore_format_line(&e, buf, sizeof(buf)), -EINVAL);
        e.anchor = (struct restore_anchor){ 0 };
        assert_int_equal(restore_format_line(&e, buf, sizeof(buf)), (int)strlen("memory.high max 1000 \n") + 28);
}

/* An older file's line (no identity) still loads, anchor {0}. */
static void test_line_old_format(void **state) {
        char line[] = "memory.high max 1000 /proc/77/root/sys/fs/cgroup/memory.high";
        struct restore_entry got;
        assert_int_equal(restore_parse_line(line, &got), 0);
        assert_int_equal(got.anchor.pid, 0);
        assert_string_equal(got.path, "/proc/77/root/sys/fs/cgroup/memory.high");
}

static void test_line_bad_anchor(void **state) {
        static const char *const bad[] = {
                "memory.high max 1 @ /proc/7/root/m",
                "memory.high max 1 @7 /proc/7/root/m",
                "memory.high max 1 @7: /proc/7/root/m",
                "memory.high max 1 @:5 /proc/7/root/m",
                "memory.high max 1 @0:5 /proc/0/root/m",
                "memory.high max 1 @x:5 /proc/7/root/m",
                "memory.high max 1 @7:5x /proc/7/root/m",
                "memory.high max 1 @7:5:6 /proc/7/root/m",
                "memory.high max 1 @7:18446744073709551616 /proc/7/root/m", /* > u64 */
                "memory.high max 1 @8:5 /proc/7/root/m",                    /* another pid's */
                "memory.high max 1 @7:5 /sys/fs/cgroup/m",                  /* not through /proc */
                "memory.high max 1 @7:5",
                "memory.high max 1 @07:5 /proc/07/root/m", /* not as written: would not format back */
                "memory.high max 1 @7:05 /proc/7/root/m",
                "memory.high max 1 @7:5 ",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char line[128];
                snprintf(line, sizeof(line), "%s", bad[i]);
                struct restore_entry got;
                if (restore_parse_line(line, &got) != -EINVAL)
                        fail_msg("accepted: %s", bad[i]);
        }
}

/* A "." or ".." component would have the first component's pid checked
 * and another's written through: no such line is read, or written. */
static void test_line_dot_components(void **state) {
        static const char *const bad[] = {
                "memory.high max 1 @7:5 /proc/7/../8/root/m",
                "memory.high max 1 @7:5 /proc/7/root/./m",
                "memory.high max 1 /proc/7/root/../../proc/8/m",
                "memory.high max 1 /sys/fs/cgroup/a/..",
                "memory.high max 1 /sys/fs/cgroup/a/.",
                "memory.high max 1 /./sys/m",
                /* a process's tree other than at the start: not the one checked */
                "memory.high max 1 //proc/7/root/m",
                "memory.high max 1 @7:5 /proc/7/root/proc/8/root/m",
                "memory.high max 1 /proc//7/root/m",
                "memory.high max 1 /proc/self/root/m",
        };
        static const char *const good[] = {
                "memory.high max 1 /sys/fs/cgroup/.a/m",
                "memory.high max 1 /sys/fs/cgroup/..a/m",
                "memory.high max 1 /sys/fs/cgroup/a.../m",
                "memory.high max 1 //sys/fs/cgroup/a/m",
        };
        char line[128], buf[RESTORE_LINE_MAX];
        struct restore_entry got;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                snprintf(line, sizeof(line), "%s", bad[i]);
                if (restore_parse_line(line, &got) != -EINVAL)
                        fail_msg("accepted: %s", bad[i]);
        }
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                snprintf(line, sizeof(line), "%s", good[i]);
                if (restore_parse_line(line, &got) != 0)
                        fail_msg("refused: %s", good[i]);
        }
        struct restore_entry e = { .key = RESTORE_MEMORY_HIGH,
                                   .anchor = { 7, 5 },
                                   .original = "max",
                                   .ours = "1",
                                   .path = "/proc/7/../8/root/m" };
        assert_int_equal(restore_format_line(&e, buf, sizeof(buf)), -EINVAL);
}

static void test_anchor_check(void **state) {
        struct restore_entry e = { .anchor = { .pid = 7, .starttime = 500 }, .path = "/proc/7/root/m" };
        const struct restore_anchor same = { 7, 500 }, reused = { 7, 501 }, none = { 0 };
        assert_int_equal(restore_anchor_check(&e, &same), 0);
        assert_int_equal(restore_anchor_check(&e, &reused), -ESTALE);
        assert_int_equal(restore_anchor_check(&e, &none), -ESTALE);
        e.anchor = (struct restore_anchor){ 0 }; /* an older file's */
        assert_int_equal(restore_anchor_check(&e, &same), -ESTALE);
        e.path = "/sys/fs/cgroup/a/memory.high"; /* our own mount: no process to check */
        assert_int_equal(restore_anchor_check(&e, &none), 0);
}

/* A child that sleeps until killed: a live pid whose root is ours. */
static pid_t sleeper(uint64_t *ret_start) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives a failed test */
                pause();
                _exit(0);
        }
        struct proc_stat st;
        assert_int_equal(read_proc_stat("/", pid, &st), 0);
        *ret_start = st.starttime;
        return pid;
}

static void put(const char *path, const char *text) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void get(const char *path, char *buf, size_t size) {
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        size_t n = fread(buf, 1, size - 1, f);
        buf[n] = '\0';
        fclose(f);
}

/* The hole: an entry whose pid is now another process (here: a start
 * time that is not this one's) must not write into what that process's
 * root shows. */
static void test_apply_through_proc(void **state) {
        char dir[] = "/tmp/test_restore_anchor.XXXXXX", file[256], path[512], text[64];
        assert_non_null(mkdtemp(dir));
        snprintf(file, sizeof(file), "%s/memory.high", dir);
        uint64_t start;
        pid_t pid = sleeper(&start);
        snprintf(path, sizeof(path), "/proc/%d/root%s", (int)pid, file);
        struct restore_entry e = { .key = RESTORE_MEMORY_HIGH,
                                   .anchor = { pid, start + 1 },
                                   .original = "max",
                                   .ours = "1000",
                                   .path = path };
        put(file, "1000\n");
        assert_int_equal(restore_entry_apply(&e), -ESTALE); /* another process than the one recorded */
        get(file, text, sizeof(text));
        assert_string_equal(text, "1000\n");
        e.anchor = (struct restore_anchor){ 0 }; /* an older file's line: no identity */
        assert_int_equal(restore_entry_apply(&e), -ESTALE);
        get(file, text, sizeof(text));
        assert_string_equal(text, "1000\n");
        e.anchor = (struct restore_anchor){ pid, start }; /* the very process */
        assert_int_equal(restore_entry_apply(&e), 1);
        get(file, text, sizeof(text));
        assert_memory_equal(text, "max", 3); /* written over "1000\n": a cgroup file would truncate */
        put(file, "1000\n");
        kill(pid, SIGKILL);
        /* exited, not reaped: its start time stands, its root is gone */
        assert_int_equal(waitid(P_PID, (id_t)pid, NULL, WEXITED | WNOWAIT), 0);
        assert_int_equal(restore_entry_apply(&e), -ESTALE);
        assert_int_equal(waitpid(pid, NULL, 0), pid);
        assert_int_equal(restore_entry_apply(&e), -ESTALE); /* exited: the container is gone */
        get(file, text, sizeof(text));
        assert_string_equal(text, "1000\n");
        unlink(file);
        rmdir(dir);
}

/* A file that no longer holds ours is left alone, and that is all (0),
 * also where it cannot be written: a read-only sysfs file (kernfs refuses
 * to open it for writing, EACCES, root or not). */
static void test_apply_not_writable(void **state) {
        static const char dir[] = "/sys/devices/system/cpu", name[] = "possible";
        char path[64];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (access(path, R_OK) < 0)
                skip();
        struct restore_entry e = { .key = RESTORE_MEMORY_HIGH, .original = "max", .ours = "1000", .path = path };
        assert_int_equal(restore_entry_apply(&e), 0);
        int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(restore_entry_apply_at(&e, fd, name), 0);
        close(fd);
}

static int reports_stale;
static void count_stale(const struct restore_entry *e, int r, void *ud) { reports_stale += r == -ESTALE; }

/* In a replay a stale entry is dropped (no failure: the file goes), the
 * others put back. */
static void test_replay_drops_stale(void **state) {
        char dir[] = "/tmp/test_restore_anchor.XXXXXX", file[256], own[256], restore[256], text[64];
        assert_non_null(mkdtemp(dir));
        snprintf(file, sizeof(file), "%s/theirs.high", dir);
        snprintf(own, sizeof(own), "%s/own.high", dir);
        snprintf(restore, sizeof(restore), "%s/restore", dir);
        uint64_t start;
        pid_t pid = sleeper(&start);
        put(file, "1000\n");
        put(own, "2000\n");
        FILE *f = fopen(restore, "w");
        assert_non_null(f);
        fprintf(f, "memory.high max 1000 @%d:%llu /proc/%d/root%s\n", (int)pid, (unsigned long long)start + 7, (int)pid,
                file);
        fprintf(f, "memory.high max 1000 /proc/%d/root%s\n", (int)pid, file); /* an older oomguard's */
        fprintf(f, "memory.high 5 2000 %s\n", own);
        fclose(f);
        reports_stale = 0;
        assert_int_equal(restore_file_replay(restore, count_stale, NULL), 1);
        assert_int_equal(reports_stale, 2);
        assert_int_equal(access(restore, F_OK), -1); /* nothing failed: removed */
        get(file, text, sizeof(text));
        assert_string_equal(text, "1000\n");
        get(own, text, sizeof(text));
        assert_int_equal(text[0], '5'); /* put back (over "2000\n") */
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        unlink(file);
        unlink(own);
        rmdir(dir);
}

/* One entry in a state of its own, saved to dir/restore. */
static void state_with(struct optin_state *s, char *restore, const struct restore_entry *e, size_t n) {
        optin_state_init(s, restore);
        s->changes = calloc(n, sizeof(*e));
        assert_non_null(s->changes);
        for (size_t i = 0; i < n; i++) {
                s->changes[i] = e[i];
                s->changes[i].path = strdup(e[i].path);
        }
        s->n_changes = s->cap_changes = n;
}

/* The same cgroup's next anchor takes the old one's entries over. */
static void test_rehome(void **state) {
        char dir[] = "/tmp/test_restore_anchor.XXXXXX", restore[256], text[512];
        assert_non_null(mkdtemp(dir));
        snprintf(restore, sizeof(restore), "%s/restore", dir);
        const struct restore_entry e[] = {
                { .key = RESTORE_MEMORY_HIGH,
                  .anchor = { 111, 5 },
                  .original = "max",
                  .ours = "9",
                  .path = "/proc/111/root/sys/fs/cgroup/memory.high" },
                { .key = RESTORE_MEMORY_HIGH,
                  .anchor = { 111, 6 },
                  .original = "max",
                  .ours = "9",
                  .path = "/proc/111/root/sys/fs/cgroup/x/memory.high" }, /* another process 111 */
        };
        struct optin_state s;
        state_with(&s, restore, e, 2);
        optin_rehome(&s, (struct restore_anchor){ 111, 5 }, (struct restore_anchor){ 2222, 8 });
        assert_string_equal(s.changes[0].path, "/proc/2222/root/sys/fs/cgroup/memory.high");
        assert_int_equal(s.changes[0].anchor.pid, 2222);
        assert_true(s.changes[0].anchor.starttime == 8);
        assert_string_equal(s.changes[1].path, "/proc/111/root/sys/fs/cgroup/x/memory.high");
        get(restore, text, sizeof(text));
        assert_non_null(strstr(text, "@2222:8 /proc/2222/root/sys/fs/cgroup/memory.high\n"));
        optin_state_free(&s);
        unlink(restore);
        rmdir(dir);
}

/* The anchor gone, its container's mount held open: its entries go back
 * through that fd; without one they are dropped. */
static void test_put_back_anchor(void **state) {
        char dir[] = "/tmp/test_restore_anchor.XXXXXX", restore[256], high[256], text[64];
        assert_non_null(mkdtemp(dir));
        snprintf(restore, sizeof(restore), "%s/restore", dir);
        snprintf(high, sizeof(high), "%s/memory.high", dir);
        put(high, "9\n");
        const struct restore_entry e[] = {
                { .key = RESTORE_MEMORY_HIGH,
                  .anchor = { 111, 5 },
                  .original = "max",
                  .ours = "9",
                  .path = "/proc/111/root/sys/fs/cgroup/memory.high" },
                { .key = RESTORE_MEMORY_HIGH,
                  .anchor = { 111, 5 },
                  .original = "max",
                  .ours = "9",
                  .path = "/proc/111/root/sys/fs/cgroup/gone/memory.high" },
                { .key = RESTORE_MEMORY_HIGH, .original = "max", .ours = "9", .path = "/sys/fs/cgroup/a/memory.high" },
        };
        struct optin_state s;
        state_with(&s, restore, e, 3);
        int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        optin_put_back_anchor(&s, (struct restore_anchor){ 111, 5 }, fd, "/proc/111/root/sys/fs/cgroup", "test");
        close(fd);
        get(high, text, sizeof(text));
        assert_string_equal(text, "max");
        assert_int_equal(s.n_changes, 1); /* the other anchor-less entry stays */
        assert_string_equal(s.changes[0].path, "/sys/fs/cgroup/a/memory.high");
        optin_state_free(&s);
        unlink(restore);
        unlink(high);
        rmdir(dir);
}

/* The anchor exited and a reload (or stop) puts back before the tick that
 * would hand its entries over: they go back through its cgroup mount,
 * held; an entry of another process (the same pid) is not written. */
static void test_put_back_held_mount(void **state) {
        char dir[] = "/tmp/test_restore_anchor.XXXXXX", restore[256], mount[256], high[256], other[256], text[64];
        char high_there[512], other_there[512];
        assert_non_null(mkdtemp(dir));
        snprintf(restore, sizeof(restore), "%s/restore", dir);
        snprintf(high, sizeof(high), "%s/memory.high", dir);
        snprintf(other, sizeof(other), "%s/other.high", dir);
        uint64_t start;
        pid_t pid = sleeper(&start);
        snprintf(mount, sizeof(mount), "/proc/%d/root%s", (int)pid, dir);
        snprintf(high_there, sizeof(high_there), "%s/memory.high", mount);
        snprintf(other_there, sizeof(other_there), "%s/other.high", mount);
        put(high, "9\n");
        put(other, "9\n");
        const struct restore_entry e[] = {
                { .key = RESTORE_MEMORY_HIGH,
                  .anchor = { pid, start },
                  .original = "max",
                  .ours = "9",
                  .path = high_there },
                { .key = RESTORE_MEMORY_HIGH,
                  .anchor = { pid, start + 1 },
                  .original = "max",
                  .ours = "9",
                  .path = other_there },
        };
        struct optin_state s;
        state_with(&s, restore, e, 2);
        int fd = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        optin_set_anchor(&s, (struct restore_anchor){ pid, start }, fd, mount);
        close(fd); /* the state holds its own */
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, NULL, 0), pid);
        struct cgroup_set none = { 0 };
        const struct optin_ctx c = { .cgroups = &none };
        optin_restore_all(&s, &c, "reload");
        get(high, text, sizeof(text));
        assert_string_equal(text, "max");
        get(other, text, sizeof(text));
        assert_string_equal(text, "9\n");
        assert_int_equal(s.n_changes, 0);
        optin_state_free(&s);
        assert_int_equal(s.anchor_fd, -1);
        unlink(restore);
        unlink(high);
        unlink(other);
        rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_path_pid),           cmocka_unit_test(test_line_with_anchor),
                cmocka_unit_test(test_line_old_format),    cmocka_unit_test(test_line_bad_anchor),
                cmocka_unit_test(test_anchor_check),       cmocka_unit_test(test_apply_through_proc),
                cmocka_unit_test(test_replay_drops_stale), cmocka_unit_test(test_rehome),
                cmocka_unit_test(test_put_back_anchor),    cmocka_unit_test(test_line_dot_components),
                cmocka_unit_test(test_apply_not_writable), cmocka_unit_test(test_put_back_held_mount),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
