/* libFuzzer entry for the restore file's replay: the input is a restore
 * file, written into a directory of the fuzzer's own and replayed by the
 * daemon's loop (restore_file_replay_with) with a stand-in for the apply
 * step: the entries name absolute paths, and no cgroup file (no file at
 * all outside that directory) may be written. The stand-in answers from
 * a hash of the entry what the cgroup file holds (restore_holds on it) or
 * an error. What must hold: the entries applied are, in order, exactly
 * the lines a whole-buffer reading finds (restore_parse_line), each
 * formats back to its line (restore_format_line) and parses again to the
 * same entry; the count returned is the entries put back; the file is
 * removed exactly when nothing failed. Seeds: tests/fuzz/corpus/restore. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/restore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096], file[4096 + 16];

static void cleanup(void) {
        unlink(file);
        rmdir(dir);
}

/* The lines the replay should apply, in order; filled by model(). */
static struct {
        const char **lines;
        size_t n, next;
        int failed, restored;
} want;

static void fail(const char *what, const char *line) {
        fprintf(stderr, "fuzz_restore: %s: \"%s\"\n", what, line ? line : "");
        __builtin_trap();
}

static uint32_t hash(const struct restore_entry *e) {
        uint32_t h = 2166136261u ^ (uint32_t)e->key;
        for (const char *c = e->path; *c; c++)
                h = (h ^ (uint8_t)*c) * 16777619u;
        return h;
}

/* What "the cgroup file" holds, from the entry's hash; restore_holds
 * decides, as in restore_entry_apply. */
static int stand_in(const struct restore_entry *e, const char *ours) {
        char text[64];
        switch (hash(e) % 8) {
        case 0:
                snprintf(text, sizeof(text), "%s\n", ours);
                break;
        case 1:
                snprintf(text, sizeof(text), "max\n");
                break;
        case 2:
                snprintf(text, sizeof(text), "oom_kill_disable 1\nunder_oom 0\noom_kill 0\n");
                break;
        case 3:
                snprintf(text, sizeof(text), "oom_kill_disable 0\nunder_oom 1\n");
                break;
        case 4:
                snprintf(text, sizeof(text), " %s", ours); /* not the same text */
                break;
        case 5:
                return -EACCES;
        case 6:
                return 0; /* the cgroup is gone */
        default:
                snprintf(text, sizeof(text), "%s", ours);
                break;
        }
        return restore_holds(e->key, text, strlen(text), ours) ? 1 : 0;
}

/* The apply step: checks the entry against the next line the model found. */
static int apply(const struct restore_entry *e) {
        char line[RESTORE_REPLAY_MAX + 2], again[RESTORE_REPLAY_MAX + 2];
        struct restore_entry p;
        if (want.next >= want.n)
                fail("an entry no line holds", e->path);
        const char *expect = want.lines[want.next++];
        int n = restore_format_line(e, line, sizeof(line));
        if (n <= 0 || line[n - 1] != '\n')
                fail("a parsed entry does not format", e->path);
        line[n - 1] = '\0';
        if (strcmp(line, expect) != 0)
                fail("the entry is not its line", expect);
        memcpy(again, line, (size_t)n);
        if (restore_parse_line(again, &p) < 0 || p.key != e->key || strcmp(p.original, e->original) ||
            strcmp(p.ours, e->ours) || strcmp(p.path, e->path))
                fail("a formatted entry does not parse back", line);
        int r = stand_in(e, e->ours);
        if (r > 0)
                want.restored++;
        if (r < 0)
                want.failed++;
        return r;
}

static void report(const struct restore_entry *e, int r, void *ud) {
        if (e->path[0] != '/')
                fail("a reported path is not absolute", e->path);
}

/* The lines of text (NUL-terminated copies in it), as the replay should
 * take them: too long or holding a NUL is a failure, '#' a comment. */
static void model(char *text, size_t size) {
        char *s = text, *end = text + size;
        while (s < end) {
                char *nl = memchr(s, '\n', (size_t)(end - s));
                size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
                s[len] = '\0'; /* text has a byte to spare past the end */
                struct restore_entry e;
                char copy[RESTORE_REPLAY_MAX];
                if (len > RESTORE_REPLAY_MAX - 2 || strlen(s) != len)
                        want.failed++;
                else if (len > 0 && s[0] != '#') {
                        memcpy(copy, s, len + 1);
                        if (restore_parse_line(copy, &e) < 0)
                                want.failed++;
                        else
                                want.lines[want.n++] = s;
                }
                s += len + 1;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (!file[0]) { /* under $TMPDIR (run.sh: build-fuzz/tmp) */
                const char *tmp = getenv("TMPDIR");
                snprintf(dir, sizeof(dir), "%s/fuzz_restore.XXXXXX", tmp && *tmp ? tmp : "/tmp");
                if (!mkdtemp(dir))
                        return 0;
                snprintf(file, sizeof(file), "%s/restore", dir);
                atexit(cleanup);
        }
        FILE *f = fopen(file, "we");
        if (!f)
                return 0;
        size_t w = fwrite(data, 1, size, f);
        if (fclose(f) != 0 || w != size)
                return 0;
        char *text = malloc(size + 1);
        const char **lines = malloc((size / 2 + 1) * sizeof(*lines));
        if (!text || !lines) {
                free(text);
                free(lines);
                return 0;
        }
        memcpy(text, data, size);
        want = (typeof(want)){ .lines = lines };
        model(text, size);
        int r = restore_file_replay_with(file, apply, report, NULL);
        if (want.next != want.n)
                fail("a line was not applied", want.lines[want.next]);
        if (r != want.restored)
                fail("the count is not the entries put back", NULL);
        if ((access(file, F_OK) == 0) != (want.failed > 0))
                fail(want.failed ? "removed despite a failure" : "kept though nothing failed", NULL);
        free(text);
        free(lines);
        return 0;
}
