/* The report directory in a temp dir: made with its parents (0750), one
 * file per report (0640, named by id, nothing left behind), reports off,
 * rotation by count and by bytes (oldest first, never the newest; at
 * start too, over several passes; foreign files left alone), a directory
 * removed under it, and failures: dropped, warned once until a write
 * succeeds, the temp file removed. The full filesystem is
 * tests/t-report-store.sh (a tiny tmpfs, root). */
#include "testing.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/log.h"
#include "outputs/report_store.h"
#include "report_fixture.h"

static char tmp[64], dir[128], json[REPORT_JSON_MAX], path[256];
static struct report r;
static struct daemon_settings d;
static unsigned long long clock_ms = 1796120553000;

static int setup(void **state) {
        snprintf(tmp, sizeof(tmp), "/tmp/test_report_store.XXXXXX");
        assert_non_null(mkdtemp(tmp));
        snprintf(dir, sizeof(dir), "%s/var/lib/oomguard/reports", tmp);
        log_setup(LOG_TARGET_STDERR, false);
        return 0;
}

static int teardown(void **state) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        return system(cmd) == 0 ? 0 : -1;
}

static void settings(unsigned files, uint64_t bytes) {
        d = (struct daemon_settings){ .report_max_files = files, .report_max_bytes = bytes };
        snprintf(d.report_dir, sizeof(d.report_dir), "%s", dir);
}

/* A fresh report, a millisecond after the last. */
static void next(void) { fixture_report(&r, (clock_ms++) * 1000000ULL); }

/* The names in dir (sorted), as "a b c". */
static void names(char *out, size_t size, bool reports_only) {
        struct dirent **list;
        int n = scandir(dir, &list, NULL, alphasort);
        out[0] = '\0';
        for (int i = 0; i < n; i++) {
                if (list[i]->d_name[0] != '.' ||
                    (!reports_only && strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..")))
                        if (!reports_only || report_store_is_report_name(list[i]->d_name))
                                snprintf(out + strlen(out), size - strlen(out), "%s%s", *out ? " " : "",
                                         list[i]->d_name);
                free(list[i]);
        }
        if (n >= 0)
                free(list);
}

static int count(void) {
        char s[65536];
        names(s, sizeof(s), true);
        int n = *s ? 1 : 0;
        for (char *c = s; *c; c++)
                n += *c == ' ';
        return n;
}

static void test_write(void **state) {
        struct report_store s;
        struct stat st;
        settings(1000, 64 << 20);
        umask(077);
        assert_int_equal(report_store_init(&s, &d), 0);
        assert_int_equal(stat(dir, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
        next();
        assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 1);
        umask(022);
        char want[256], all[4096];
        snprintf(want, sizeof(want), "%s/%s.json", dir, r.id);
        assert_string_equal(path, want);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        /* its text is report_json()'s, whole */
        static char expect[REPORT_JSON_MAX], got[REPORT_JSON_MAX];
        int n = report_json(&r, expect, sizeof(expect));
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        assert_int_equal(fread(got, 1, sizeof(got), f), n);
        fclose(f);
        assert_memory_equal(got, expect, (size_t)n);
        names(all, sizeof(all), false); /* no temp file */
        snprintf(want, sizeof(want), "%s.json", r.id);
        assert_string_equal(all, want);
        assert_int_equal(s.written, 1);
        report_store_free(&s);
        report_store_free(&s); /* twice is safe */
}

static void test_off(void **state) {
        struct report_store s;
        settings(1000, 64 << 20);
        d.report_dir[0] = '\0';
        assert_int_equal(report_store_init(&s, &d), 0);
        assert_false(s.enabled);
        next();
        strcpy(path, "x");
        assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 0);
        assert_string_equal(path, "");
        report_store_free(&s);
}

static void test_rotate_files(void **state) {
        struct report_store s;
        char ids[5][REPORT_ID_MAX], left[4096], want[4096];
        settings(3, 64 << 20);
        assert_int_equal(report_store_init(&s, &d), 0);
        for (int i = 0; i < 5; i++) {
                next();
                snprintf(ids[i], sizeof(ids[i]), "%s", r.id);
                assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 1);
        }
        names(left, sizeof(left), true);
        snprintf(want, sizeof(want), "%s.json %s.json %s.json", ids[2], ids[3], ids[4]);
        assert_string_equal(left, want);
        assert_true(s.removed >= 2);
        report_store_free(&s);
}

static void test_rotate_bytes(void **state) {
        struct report_store s;
        settings(1000, 64 << 20);
        assert_int_equal(report_store_init(&s, &d), 0);
        next();
        int n = report_json(&r, json, sizeof(json));
        report_store_free(&s);
        settings(1000, (uint64_t)n * 5 / 2); /* room for two */
        assert_int_equal(report_store_init(&s, &d), 0);
        assert_int_equal(count(), 2);
        for (int i = 0; i < 3; i++) {
                next();
                assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 1);
                assert_int_equal(count(), 2);
        }
        report_store_free(&s);
        settings(1000, 1); /* smaller than any report: the newest stays */
        assert_int_equal(report_store_init(&s, &d), 0);
        next();
        assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 1);
        assert_int_equal(count(), 1);
        assert_int_equal(access(path, F_OK), 0);
        report_store_free(&s);
}

/* A limit lowered under hundreds of files (more than one pass removes),
 * a crash's temp file: both handled at start; other files stay. */
static void test_rotate_at_init(void **state) {
        struct report_store s;
        char p[256];
        settings(1000, 64 << 20);
        assert_int_equal(report_store_init(&s, &d), 0);
        for (int i = 0; i < 300; i++) {
                next();
                assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 1);
        }
        report_store_free(&s);
        snprintf(p, sizeof(p), "%s/.%s.json.tmp", dir, r.id);
        FILE *f = fopen(p, "w");
        fclose(f);
        snprintf(p, sizeof(p), "%s/README", dir);
        f = fopen(p, "w");
        fclose(f);
        settings(5, 64 << 20);
        assert_int_equal(report_store_init(&s, &d), 0);
        assert_int_equal(count(), 5);
        assert_int_equal(s.removed, 296); /* 301 with the last */
        assert_int_equal(access(path, F_OK), 0);
        assert_int_equal(access(p, F_OK), 0);
        snprintf(p, sizeof(p), "%s/.%s.json.tmp", dir, r.id);
        assert_int_equal(access(p, F_OK), -1);
        report_store_free(&s);
}

/* An admin removed the directory: made again at the next write. */
static void test_dir_removed(void **state) {
        struct report_store s;
        char cmd[256];
        settings(1000, 64 << 20);
        assert_int_equal(report_store_init(&s, &d), 0);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
        next();
        assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 1);
        assert_int_equal(access(path, F_OK), 0);
        report_store_free(&s);
}

/* stderr into a file for the span of a test: how often was it warned? */
static int capture(int *saved) {
        char p[128];
        snprintf(p, sizeof(p), "%s/stderr", tmp);
        int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
        fflush(stderr);
        *saved = dup(2);
        dup2(fd, 2);
        return fd;
}

static int lines_with(int fd, int saved, const char *what) {
        char buf[8192];
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        close(fd);
        buf[n > 0 ? n : 0] = '\0';
        int k = 0;
        for (char *c = buf; (c = strstr(c, what)); c++)
                k++;
        return k;
}

/* Failures drop the report: warned once with a count, nothing left
 * behind, and the next success says how many were dropped. */
static void test_failures_warn_once(void **state) {
        struct report_store s;
        char p[256], all[4096];
        settings(1000, 64 << 20);
        assert_int_equal(report_store_init(&s, &d), 0);
        int saved, fd = capture(&saved);
        next();
        assert_int_equal(report_store_write(&s, &r, json, 100, path, sizeof(path)), -ENOBUFS);
        assert_string_equal(path, "");
        /* the rename fails (a directory holds the name): the temp file goes */
        next();
        snprintf(p, sizeof(p), "%s/%s.json", dir, r.id);
        assert_int_equal(mkdir(p, 0700), 0);
        assert_true(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)) < 0);
        assert_int_equal(s.dropped, 2);
        assert_true(s.warned);
        next();
        assert_int_equal(report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)), 1);
        assert_int_equal(s.dropped, 0);
        assert_false(s.warned);
        next();
        assert_int_equal(report_store_write(&s, &r, json, 10, path, sizeof(path)), -ENOBUFS);
        assert_int_equal(lines_with(fd, saved, "reports: not written: "), 2);
        fd = capture(&saved);
        assert_int_equal(lines_with(fd, saved, "x"), 0);
        rmdir(p);
        names(all, sizeof(all), false);
        assert_null(strstr(all, ".tmp"));
        report_store_free(&s);
}

/* The warning's words, and the one when writing works again. */
static void test_failure_messages(void **state) {
        struct report_store s;
        settings(1000, 64 << 20);
        assert_int_equal(report_store_init(&s, &d), 0);
        int saved, fd = capture(&saved);
        next();
        report_store_write(&s, &r, json, 10, path, sizeof(path));
        report_store_write(&s, &r, json, 10, path, sizeof(path));
        next();
        report_store_write(&s, &r, json, sizeof(json), path, sizeof(path));
        char buf[1024];
        fflush(stderr);
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        assert_int_equal(lines_with(fd, saved, "reports: not written: No buffer space available (1 dropped)"), 1);
        assert_non_null(strstr(buf, "reports: written again to "));
        assert_non_null(strstr(buf, " (2 dropped)"));
        report_store_free(&s);
}

static void test_names(void **state) {
        assert_true(report_store_is_report_name("20261201T102233.123Z-4711-0007.json"));
        assert_false(report_store_is_report_name(".20261201T102233.123Z-4711-0007.json.tmp"));
        assert_false(report_store_is_report_name("2026120XT102233.123Z-4711-0007.json"));
        assert_false(report_store_is_report_name("20261201T102233.123Z-4711-0007.txt"));
        assert_false(report_store_is_report_name("README"));
        assert_false(report_store_is_report_name("20261201T.json"));
        assert_false(report_store_is_report_name("20261201T102233.123Z/x.json"));
        assert_false(report_store_is_report_name("20261201T102233-123Z-1.json"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write),
                cmocka_unit_test(test_off),
                cmocka_unit_test(test_rotate_files),
                cmocka_unit_test(test_rotate_bytes),
                cmocka_unit_test(test_rotate_at_init),
                cmocka_unit_test(test_dir_removed),
                cmocka_unit_test(test_failures_warn_once),
                cmocka_unit_test(test_failure_messages),
                cmocka_unit_test(test_names),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
