/* The restore file's replay loop (restore_file_replay_with) with a
 * stand-in for the apply step, as tests/fuzz/fuzz_restore.c drives it:
 * which lines become entries, in order, which count as failures (the
 * file is then kept), and what a line too long or with a NUL byte does. */
#include "testing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/restore.h"

#define SEEN_MAX 16

/* What the stand-in was asked to put back, and what it answers. */
static struct {
        char paths[SEEN_MAX][RESTORE_REPLAY_MAX];
        int n;
        int answer;
} seen;

static int record(const struct restore_entry *e) {
        if (seen.n < SEEN_MAX)
                snprintf(seen.paths[seen.n], sizeof(seen.paths[0]), "%s", e->path);
        seen.n++;
        return seen.answer;
}

static int reported;
static void count_reports(const struct restore_entry *e, int r, void *ud) {
        assert_int_equal(r, seen.answer);
        reported++;
}

/* Writes len bytes of text to a fresh file, replays it; returns the
 * replay's result, *kept whether the file is still there. */
static int replay(const char *text, size_t len, int answer, bool *kept) {
        char dir[] = "/tmp/test_restore_replay.XXXXXX", file[64];
        assert_non_null(mkdtemp(dir));
        snprintf(file, sizeof(file), "%s/restore", dir);
        FILE *f = fopen(file, "w");
        assert_non_null(f);
        assert_int_equal(fwrite(text, 1, len, f), len);
        fclose(f);
        memset(&seen, 0, sizeof(seen));
        seen.answer = answer;
        reported = 0;
        int r = restore_file_replay_with(file, record, count_reports, NULL);
        *kept = access(file, F_OK) == 0;
        unlink(file);
        rmdir(dir);
        return r;
}

static void test_replay_order_and_removal(void **state) {
        static const char text[] =
                "# head\n"
                "memory.high max 1000 /a/memory.high\n"
                "\n"
                "oom_kill_disable 0 1 /b/memory.oom_control\n"
                "memory.high 5 6 /c d/memory.high"; /* no '\n': still a line */
        bool kept;
        assert_int_equal(replay(text, strlen(text), 1, &kept), 3);
        assert_int_equal(seen.n, 3);
        assert_string_equal(seen.paths[0], "/a/memory.high");
        assert_string_equal(seen.paths[1], "/b/memory.oom_control");
        assert_string_equal(seen.paths[2], "/c d/memory.high");
        assert_int_equal(reported, 3);
        assert_false(kept); /* all put back (or nothing left to do): removed */
        assert_int_equal(replay(text, strlen(text), 0, &kept), 0);
        assert_false(kept);
}

/* An entry that failed keeps the file for the next replay; so does a
 * line that is not an entry. */
static void test_replay_failure_keeps_file(void **state) {
        static const char good[] = "memory.high max 1000 /a/memory.high\n";
        static const char bad[] = "memory.high max 1000 relative/memory.high\nmemory.high max 1 /z\n";
        bool kept;
        assert_int_equal(replay(good, strlen(good), -EACCES, &kept), 0);
        assert_int_equal(reported, 1);
        assert_true(kept);
        assert_int_equal(replay(bad, strlen(bad), 1, &kept), 1);
        assert_int_equal(seen.n, 1);
        assert_string_equal(seen.paths[0], "/z");
        assert_true(kept);
}

/* "memory.high max 7 /ppp..." of len bytes into text; returns len. */
static size_t long_entry(char *text, size_t len) {
        size_t n = (size_t)sprintf(text, "memory.high max 7 /");
        memset(text + n, 'p', len - n);
        return len;
}

/* A line longer than the buffer is refused whole: its tail, though it
 * reads as an entry, is not one (the loop used to replay each piece). */
static void test_replay_long_line(void **state) {
        static const char entry[] = "memory.high max 7 /tail/memory.high";
        size_t pad = RESTORE_REPLAY_MAX - 1; /* fills the buffer: no '\n' in it */
        char *text = malloc(RESTORE_REPLAY_MAX + 3 * sizeof(entry));
        assert_non_null(text);
        memset(text, 'x', pad);
        size_t n = pad + (size_t)sprintf(text + pad, "%s\n%s\n", entry, entry);
        bool kept;
        assert_int_equal(replay(text, n, 1, &kept), 1);
        assert_int_equal(seen.n, 1); /* the next line only */
        assert_string_equal(seen.paths[0], "/tail/memory.high");
        assert_true(kept);
        /* The longest line that fits: RESTORE_REPLAY_MAX - 2 bytes. */
        n = long_entry(text, RESTORE_REPLAY_MAX - 2);
        text[n++] = '\n';
        assert_int_equal(replay(text, n, 1, &kept), 1);
        assert_int_equal(strlen(seen.paths[0]), RESTORE_REPLAY_MAX - 2 - strlen("memory.high max 7 "));
        assert_false(kept);
        /* One byte more, with its '\n' or as the last line without: refused. */
        n = long_entry(text, RESTORE_REPLAY_MAX - 1);
        assert_int_equal(replay(text, n, 1, &kept), 0);
        assert_int_equal(seen.n, 0);
        assert_true(kept);
        text[n++] = '\n';
        assert_int_equal(replay(text, n, 1, &kept), 0);
        assert_int_equal(seen.n, 0);
        assert_true(kept);
        free(text);
}

/* A NUL byte inside a line: refused, not cut at the NUL. */
static void test_replay_nul_byte(void **state) {
        static const char text[] = "memory.high max 7 /a\0/memory.high\nmemory.high max 7 /b\n";
        bool kept;
        assert_int_equal(replay(text, sizeof(text) - 1, 1, &kept), 1);
        assert_int_equal(seen.n, 1);
        assert_string_equal(seen.paths[0], "/b");
        assert_true(kept);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_replay_order_and_removal),
                cmocka_unit_test(test_replay_failure_keeps_file),
                cmocka_unit_test(test_replay_long_line),
                cmocka_unit_test(test_replay_nul_byte),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
