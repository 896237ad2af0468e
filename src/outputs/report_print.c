/* oomguard --report: finds the report files in the directory, reads them
 * back (report_parse.c) and prints them (report_text.c), or the file's
 * own text for --json. A command, not the guard: it may allocate. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_parse.h"
#include "outputs/report_print.h"
#include "outputs/report_store.h"
#include "report_internal.h"
#include "util.h"

#define FILE_MAX (1 << 20) /* a report is < REPORT_JSON_MAX; refuse what is far bigger */
#define TOKENS_MAX 16384

struct names {
        char **v;
        size_t n, cap;
};

static void names_free(struct names *n) {
        for (size_t i = 0; i < n->n; i++)
                free(n->v[i]);
        free(n->v);
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The report files of dir, oldest first. A missing directory has none. */
static int list_names(const char *dir, struct names *ret) {
        DIR *d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        int r = 0;
        for (struct dirent *e; (e = readdir(d));) {
                if (!report_store_is_report_name(e->d_name))
                        continue;
                char *copy = strdup(e->d_name);
                if (!copy || GROW(ret->v, ret->cap, ret->n + 1) < 0) {
                        free(copy);
                        r = -ENOMEM;
                        break;
                }
                ret->v[ret->n++] = copy;
        }
        closedir(d);
        if (ret->n > 1) /* v is NULL in an empty directory: no qsort(NULL) */
                qsort(ret->v, ret->n, sizeof(*ret->v), cmp_names);
        return r;
}

/* A whole file into a new buffer (NUL-terminated). */
static ssize_t slurp(const char *path, char **ret) {
        _cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        char *buf = malloc(FILE_MAX + 1);
        if (!buf)
                return -ENOMEM;
        size_t n = 0;
        for (;;) {
                ssize_t k = read(fd, buf + n, FILE_MAX + 1 - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 || (k > 0 && n + (size_t)k > FILE_MAX)) {
                        int e = k < 0 ? -errno : -EFBIG;
                        free(buf);
                        return e;
                }
                if (k == 0)
                        break;
                n += (size_t)k;
        }
        buf[n] = '\0';
        *ret = buf;
        return (ssize_t)n;
}

struct reader {
        struct json_token *tokens;
        struct report *r;
        char *text;
        size_t len;
};

/* path's report into rd->r (and its text in rd->text). 0, or -errno
 * with the reason in err and, when complain, on stderr. */
static int read_report(struct reader *rd, const char *path, bool complain, char *err, size_t err_size) {
        free(rd->text);
        rd->text = NULL;
        ssize_t n = slurp(path, &rd->text);
        int r = (int)(n < 0 ? n : 0);
        if (n < 0)
                snprintf(err, err_size, "%s", strerror((int)-n));
        else if (report_parse(rd->text, rd->len = (size_t)n, rd->tokens, TOKENS_MAX, rd->r, err, err_size) < 0)
                r = -EBADMSG;
        if (r < 0 && complain)
                fprintf(stderr, "oomguard: %s: %s\n", path, err);
        return r;
}

static void print_summary_json(const struct report *r, const char *file, bool first, FILE *out) {
        char t[40];
        report_format_time(r->time_ns, false, t, sizeof(t));
        fprintf(out, "%s{\"id\":", first ? "" : ",\n");
        json_print_string(out, r->id);
        fputs(",\"file\":", out);
        json_print_string(out, file);
        fprintf(out, ",\"time\":\"%s\",\"kind\":\"%s\",\"rule\":", t, report_kind_to_string(r->kind));
        json_print_string(out, r->rule);
        fputs(",\"action\":", out);
        json_print_string(out, r->action);
        if (r->victim.has) {
                fprintf(out, ",\"victim_pid\":%d,\"victim_comm\":", (int)r->victim.pid);
                json_print_string(out, r->victim.comm);
        } else {
                fputs(",\"victim_pid\":null,\"victim_comm\":null", out);
        }
        fputs(",\"cgroup\":", out);
        if (r->cgroup.has)
                json_print_string(out, r->cgroup.path);
        else
                fputs("null", out);
        if (r->has_freed)
                fprintf(out, ",\"freed_bytes\":%lld}", (long long)r->freed_bytes);
        else
                fputs(",\"freed_bytes\":null}", out);
}

/* One line (or object) per report, oldest first; a file that does not
 * read says so in its line and is skipped in JSON. */
static int print_list(struct reader *rd, const char *dir, const struct names *names, bool json, FILE *out) {
        char path[REPORT_DIR_MAX + 128], s[256], err[128];
        if (json)
                fputs("[", out);
        else if (names->n)
                report_print_list_header(out);
        bool first = true;
        for (size_t i = 0; i < names->n; i++) {
                snprintf(path, sizeof(path), "%s/%s", dir, names->v[i]);
                int r = read_report(rd, path, false, err, sizeof(err));
                if (r < 0 && !json)
                        fprintf(out, "%-24s unreadable: %s\n", report_text_safe(names->v[i], s, sizeof(s)), err);
                if (r < 0)
                        continue;
                if (json)
                        print_summary_json(rd->r, path, first, out);
                else
                        report_print_list_line(rd->r, out);
                first = false;
        }
        if (json)
                fputs("]\n", out);
        else if (!names->n)
                fprintf(stderr, "oomguard: no reports in %s\n", dir);
        return 0;
}

/* The file what names: a path, "last", an id or file name, or the start
 * of exactly one id. */
static int find(const char *dir, const char *what, const struct names *names, char *path, size_t size) {
        size_t n = strlen(what), hit = 0, hits = 0;
        if (strchr(what, '/')) {
                snprintf(path, size, "%s", what);
                return 0;
        }
        if (strcmp(what, "last") == 0 && names->n) {
                snprintf(path, size, "%s/%s", dir, names->v[names->n - 1]);
                return 0;
        }
        for (size_t i = 0; i < names->n; i++) {
                if (strncmp(names->v[i], what, n) != 0)
                        continue;
                if (strcmp(names->v[i] + n, ".json") == 0 || names->v[i][n] == '\0') {
                        hits = 1, hit = i; /* the whole id or name */
                        break;
                }
                hits++, hit = i;
        }
        if (hits == 1) {
                snprintf(path, size, "%s/%s", dir, names->v[hit]);
                return 0;
        }
        char s[256];
        if (!names->n)
                fprintf(stderr, "oomguard: no reports in %s\n", dir);
        else if (hits > 1)
                fprintf(stderr, "oomguard: %s: %zu reports in %s begin so (--report list)\n",
                        report_text_safe(what, s, sizeof(s)), hits, dir);
        else
                fprintf(stderr, "oomguard: %s: no such report in %s\n", report_text_safe(what, s, sizeof(s)), dir);
        return -ENOENT;
}

static int print_one(struct reader *rd, const char *dir, const char *what, const struct names *names, bool json,
                     FILE *out) {
        char path[REPORT_DIR_MAX + 4096], err[128];
        if (find(dir, what, names, path, sizeof(path)) < 0 || read_report(rd, path, true, err, sizeof(err)) < 0)
                return -ENOENT;
        if (json)
                fwrite(rd->text, 1, rd->len, out);
        else
                report_print_text(rd->r, path, out);
        return 0;
}

int report_print_command(const char *dir, const char *what, bool json, FILE *out) {
        struct names names = { 0 };
        struct reader rd = { .tokens = calloc(TOKENS_MAX, sizeof(struct json_token)),
                             .r = malloc(sizeof(struct report)) };
        int r = rd.tokens && rd.r ? list_names(dir, &names) : -ENOMEM;
        if (r < 0)
                fprintf(stderr, "oomguard: %s: %s\n", dir, strerror(-r));
        else if (strcmp(what, "list") == 0)
                r = print_list(&rd, dir, &names, json, out);
        else
                r = print_one(&rd, dir, what, &names, json, out);
        if (r == 0 && (fflush(out) != 0 || ferror(out))) {
                fprintf(stderr, "oomguard: writing the report: %s\n", strerror(errno));
                r = -EIO;
        }
        names_free(&names);
        free(rd.tokens);
        free(rd.r);
        free(rd.text);
        return r < 0 ? 1 : 0;
}
