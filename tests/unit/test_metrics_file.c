/* The metrics file in a temp dir (outputs/metrics_file.c): its directory
 * made with its parents (0755), the file 0644 whatever the umask, replaced
 * whole (a reader's open file keeps the old text), nothing left beside it,
 * off when the path is empty, a directory removed under it made again, a
 * failure warned about once until a write succeeds. The full filesystem
 * is tests/t-live-metrics.sh (a tiny tmpfs, root). */
#include "testing.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/log.h"
#include "outputs/metrics_file.h"

static char tmp[64], dir[128], path[192];

static int setup(void **state) {
        snprintf(tmp, sizeof(tmp), "/tmp/test_metrics_file.XXXXXX");
        assert_non_null(mkdtemp(tmp));
        snprintf(dir, sizeof(dir), "%s/run/oomguard/metrics", tmp);
        snprintf(path, sizeof(path), "%s/oomguard.prom", dir);
        log_setup(LOG_TARGET_STDERR, false);
        return 0;
}

static int teardown(void **state) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        return system(cmd) == 0 ? 0 : -1;
}

static size_t entries(const char *d) {
        size_t n = 0;
        DIR *dp = opendir(d);
        assert_non_null(dp);
        for (struct dirent *e; (e = readdir(dp));)
                n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
        closedir(dp);
        return n;
}

static void assert_file(const char *want) {
        char got[64] = "";
        struct stat st;
        int fd = open(path, O_RDONLY);
        assert_true(fd >= 0);
        assert_int_equal(read(fd, got, sizeof(got) - 1), (ssize_t)strlen(want));
        assert_string_equal(got, want);
        assert_int_equal(fstat(fd, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0644);
        close(fd);
}

static void test_write(void **state) {
        struct metrics_file f;
        struct stat st;
        mode_t old = umask(077);
        assert_int_equal(metrics_file_init(&f, path), 0);
        assert_int_equal(stat(dir, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0755); /* an unprivileged collector reads it */
        assert_int_equal(metrics_file_write(&f, "a 1\n", 4), 1);
        assert_file("a 1\n");
        int reader = open(path, O_RDONLY); /* a scrape under way */
        assert_int_equal(metrics_file_write(&f, "a 22\n", 5), 1);
        assert_file("a 22\n");
        char old_text[8] = "";
        assert_int_equal(read(reader, old_text, sizeof(old_text) - 1), 4);
        assert_string_equal(old_text, "a 1\n"); /* replaced, never rewritten in place */
        close(reader);
        assert_int_equal(entries(dir), 1); /* no temp file beside it */
        metrics_file_free(&f);
        umask(old);
}

static void test_off_and_gone(void **state) {
        struct metrics_file f;
        char cmd[256];
        assert_int_equal(metrics_file_init(&f, ""), 0);
        assert_false(f.enabled);
        assert_int_equal(metrics_file_write(&f, "x", 1), 0);
        metrics_file_free(&f);
        assert_int_equal(metrics_file_init(&f, path), 0);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
        assert_int_equal(metrics_file_write(&f, "b 2\n", 4), 1); /* made again */
        assert_file("b 2\n");
        metrics_file_free(&f);
}

/* A file where a directory should be (root or not): the directory
 * cannot be made, at init nor at the writes, until the file is gone. */
static void test_failure_warned_once(void **state) {
        struct metrics_file f;
        char blocker[128];
        snprintf(blocker, sizeof(blocker), "%s/run", tmp);
        int fd = open(blocker, O_WRONLY | O_CREAT, 0644);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(metrics_file_init(&f, path), -ENOTDIR);
        assert_true(f.warned);
        assert_int_equal(metrics_file_write(&f, "c 3\n", 4), -ENOTDIR);
        assert_int_equal(metrics_file_write(&f, "c 3\n", 4), -ENOTDIR);
        assert_int_equal(f.dropped, 2);
        assert_int_equal(unlink(blocker), 0);
        assert_int_equal(metrics_file_write(&f, "c 3\n", 4), 1);
        assert_false(f.warned);
        assert_int_equal(f.dropped, 0);
        assert_int_equal(entries(dir), 1);
        metrics_file_free(&f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_write, setup, teardown),
                cmocka_unit_test_setup_teardown(test_off_and_gone, setup, teardown),
                cmocka_unit_test_setup_teardown(test_failure_warned_once, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
