/* Reading oomguard.conf: config_load() opens it and hands it to inih with
 * our own line reader. The whole file is always read, so one run shows
 * all mistakes (config_errors.c collects them).
 *
 * Debian's inih has no handler line numbers, so our reader counts
 * physical lines. The reader also handles what inih would get wrong or
 * only half report: section headers (inih truncates long names and has no
 * callback for them), garbage lines, over-long lines (inih would split
 * them into two "lines"). inih only ever sees blank lines, comments and
 * "key = value" lines, and does the stripping and inline comments; what
 * the lines mean is config_sections.c. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"
#include "policy_internal.h"

/* Would inih take t as "key = value"? It splits at the first '=' or ':'
 * and stops at an inline comment; we only accept '='. */
static bool key_line_valid(const char *t) {
        bool was_space = false;
        for (const char *p = t; *p; p++) {
                if (*p == '=')
                        return p != t;
                if (*p == ':' || (was_space && strchr(";#", *p)))
                        return false;
                was_space = isspace((unsigned char)*p);
        }
        return false;
}

/* Returns whether inih should see the line; the rest we handle here. */
static bool line_for_inih(struct loader *L, const char *s) {
        const char *t = s;
        while (isspace((unsigned char)*t))
                t++;
        if (*t == '\0' || *t == ';' || *t == '#')
                return true;
        if (*t == '[') {
                config_section_line(L, t);
                return false;
        }
        if (!key_line_valid(t)) {
                config_error_at(L, L->lineno, t, "expected \"key = value\", \"[section]\" or a comment");
                return false;
        }
        return true;
}

/* One physical line into L->line, at most CONFIG_MAX_LINE + 3 bytes kept
 * (the rest of a longer one is read and dropped, its length counted);
 * -1 at the end, or once the file passes CONFIG_MAX_BYTES. getline would
 * grow its buffer for as long as the line goes on. */
static ssize_t read_line(struct loader *L, bool *nul) {
        const size_t keep = CONFIG_MAX_LINE + 3;
        if (!L->line && !(L->line = malloc(keep + 1)))
                return L->read_errno = ENOMEM, -1;
        size_t n = 0;
        int c = EOF;
        *nul = false;
        while (L->bytes < CONFIG_MAX_BYTES && (c = getc_unlocked(L->f)) != EOF) {
                L->bytes++;
                *nul |= c == '\0';
                if (n < keep)
                        L->line[n] = (char)c;
                n++;
                if (c == '\n')
                        break;
        }
        L->line[n < keep ? n : keep] = '\0';
        if (c == EOF && ferror(L->f))
                L->read_errno = errno ? errno : EIO;
        if (L->bytes >= CONFIG_MAX_BYTES && c != '\n' && !L->too_big) {
                L->too_big = true;
                config_error_at(L, 0, NULL, "too big: more than %d MiB", CONFIG_MAX_BYTES >> 20);
        }
        return n == 0 || L->too_big ? -1 : (ssize_t)n;
}

/* inih's fgets-like reader: one physical line per call, so L->lineno is
 * the line of what the handler is called for. Lines we handled or
 * rejected are passed on as empty lines. */
static char *reader(char *str, int num, void *stream) {
        struct loader *L = stream;
        bool nul;
        errno = 0;
        ssize_t n = read_line(L, &nul);
        if (n < 0)
                return NULL;
        L->lineno++;
        char *s = L->line;
        size_t kept = strlen(s);
        while (n > 0 && (size_t)n <= kept && (s[n - 1] == '\n' || s[n - 1] == '\r'))
                s[--n] = '\0';
        if (L->lineno == 1 && has_prefix(s, "\xEF\xBB\xBF")) { /* UTF-8 BOM */
                s += 3;
                n -= 3;
        }
        int max = num - 3 < CONFIG_MAX_LINE ? num - 3 : CONFIG_MAX_LINE;
        if (nul)
                config_error_at(L, L->lineno, NULL, "line contains a NUL byte");
        else if (n > max)
                config_error_at(L, L->lineno, NULL, "line too long (max %d)", max);
        else if (line_for_inih(L, s)) {
                memcpy(str, s, (size_t)n);
                str[n] = '\n';
                str[n + 1] = '\0';
                return str;
        }
        strcpy(str, "\n");
        return str;
}

/* inih's callback for every "key = value" line. Always returns 1: we
 * collect errors ourselves and want the rest of the file read. */
static int handler(void *user, const char *section, const char *name, const char *value) {
        config_section_key(user, name, value);
        return 1;
}

/* Debian's inih has these as run-time knobs; set every one we rely on. */
static void configure_inih(void) {
        static char comment_chars[] = ";#";
        ini_allow_multiline = false; /* one reader call = one line: exact numbers */
        ini_stop_on_first_error = false;
        ini_allow_no_value = false;
        ini_allow_inline_comments = true;
        ini_start_comment_prefixes = comment_chars;
        ini_inline_comment_prefixes = comment_chars;
        ini_allow_bom = false; /* the reader strips it */
        ini_use_stack = true;
        ini_max_line = CONFIG_MAX_LINE + 3; /* '\r', '\n', NUL */
}

int config_load_stream(FILE *f, const char *name, struct policy *ret, struct config_errors *errors) {
        struct loader L = { .f = f, .name = name, .errors = errors };
        if (config_n_keys > CONFIG_KEYS_MAX)
                return -E2BIG;
        policy_init_defaults(&L.pol);
        L.pol.source_file = strdup(name);
        if (!L.pol.source_file)
                return -ENOMEM;

        configure_inih();
        int r = ini_parse_stream(reader, &L, handler, &L);
        config_section_end(&L);
        if (r == -2)
                L.fatal = -ENOMEM;
        else if (r > 0 && L.n_errors == 0) /* cannot happen: we pre-check lines */
                config_error_at(&L, r, NULL, "syntax error");
        if (L.read_errno)
                config_error_at(&L, 0, NULL, "read error: %s", strerror(L.read_errno));
        config_sections_check(&L);
        free(L.line);
        free(L.header);
        config_names_free(&L.names);

        if (L.fatal || L.n_errors) {
                policy_free(&L.pol);
                return L.fatal ? L.fatal : -EINVAL;
        }
        *ret = L.pol;
        return 0;
}

/* As root or with any capability (the hardened unit's dynamic user: a
 * SIGHUP sent by hand reloads unchecked by the unit's ExecReload=+),
 * unless the test suites' opt-out is set (oomguard(8), ENVIRONMENT:
 * never in production). */
static bool config_trust_required(void) {
        const char *optout = getenv("OOMGUARD_TEST_TRUST_ANY_CONFIG");
        return privileged() && !(optout && strcmp(optout, "1") == 0);
}

int config_load(const char *path, struct policy *ret, struct config_errors *errors) {
        struct loader L = { .name = path, .errors = errors };
        FILE *f = fopen(path, "re");
        if (!f) {
                int e = errno;
                config_error_at(&L, 0, NULL, "cannot open: %s", strerror(e));
                return L.fatal ? L.fatal : -e;
        }
        char why[CONFIG_WHY_MAX];
        struct stat st;
        if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > CONFIG_MAX_BYTES) {
                fclose(f); /* refused unread */
                config_error_at(&L, 0, NULL, "too big: %lld bytes (max %d MiB)", (long long)st.st_size,
                                CONFIG_MAX_BYTES >> 20);
                return -EFBIG;
        }
        if (config_trust_required() && config_file_check_trusted(path, fileno(f), why) < 0) {
                fclose(f);
                config_error_at(&L, 0, NULL, "%s", why);
                return -EPERM;
        }
        int r = config_load_stream(f, path, ret, errors);
        fclose(f);
        return r;
}
