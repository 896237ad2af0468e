/* The matcher language (policy/matcher.h): parsing a line into terms,
 * which allocates (config load), and matching, which does not. */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cgroup_match.h"
#include "policy/matcher.h"
#include "policy_internal.h"
#include "sources/cgroup_view.h"
#include "util.h"

static const char *const field_names[] = {
        [MATCH_COMM] = "comm", [MATCH_CMDLINE] = "cmdline", [MATCH_CGROUP] = "cgroup",
        [MATCH_USER] = "user", [MATCH_EXE] = "exe",
};

/* Longest user text echoed in a message, as the config loader does. */
#define SHOWN_MAX 64
#define SHOWN(s) SHOWN_MAX, (s), strlen(s) > SHOWN_MAX ? "..." : ""

/* What separates the terms of a line; a pattern that needs the two
 * characters writes "&[&]" (a regex and a glob alike). */
#define TERM_SEP "&&"

const char *match_field_to_string(enum match_field f) {
        return (unsigned)f < ELEMENTSOF(field_names) ? field_names[f] : "?";
}

int match_field_from_string(const char *name, enum match_field *ret) {
        for (size_t i = 0; i < ELEMENTSOF(field_names); i++)
                if (strcmp(name, field_names[i]) == 0) {
                        *ret = (enum match_field)i;
                        return 0;
                }
        return -EINVAL;
}

_printf_(3, 4) static int say(char *msg, size_t size, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, size, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/* "cmdline:REGEX" -> field and the rest; no known prefix -> comm. */
static const char *split_field(const char *term, enum match_field *ret) {
        for (size_t i = 0; i < ELEMENTSOF(field_names); i++) {
                size_t n = strlen(field_names[i]);
                if (strncmp(term, field_names[i], n) == 0 && term[n] == ':') {
                        *ret = (enum match_field)i;
                        return term + n + 1;
                }
        }
        *ret = MATCH_COMM;
        return term;
}

int matcher_resolve_user(const char *name, uid_t *ret, char *err, size_t errsize) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(name, &end, 10);
        if (*name && !*end && errno == 0) {
                *ret = (uid_t)v;
                return 0;
        }
        struct passwd *pw = getpwnam(name);
        if (!pw)
                return say(err, errsize, "unknown user \"%.*s%s\"", SHOWN(name));
        *ret = pw->pw_uid;
        return 0;
}

static void term_free(struct match_term *t) {
        if (t->kind == MATCH_REGEX && t->pattern)
                regfree(&t->re);
        free(t->pattern);
        *t = (struct match_term){ 0 };
}

/* A path glob: absolute, trailing slashes dropped ("/a/b/" would never
 * fnmatch "/a/b"). */
static int glob_compile(struct match_term *t, const char *pattern, char *msg, size_t size) {
        if (pattern[0] != '/')
                return say(msg, size, "\"%.*s%s\" is not absolute (%s starts with '/')", SHOWN(pattern),
                           t->field == MATCH_EXE ? "an executable's path" : "a cgroup path");
        t->pattern = strdup(pattern);
        if (!t->pattern)
                return -ENOMEM;
        for (size_t n = strlen(t->pattern); n > 1 && t->pattern[n - 1] == '/'; n--)
                t->pattern[n - 1] = '\0';
        return 0;
}

static int regex_compile(struct match_term *t, const char *pattern, char *msg, size_t size) {
        if (regex_cost(pattern) > REGEX_COST_MAX) /* before regcomp, which would take it */
                return say(msg, size,
                           "regex \"%.*s%s\" too complex: its repetitions would compile to over %d "
                           "copies (a repetition of a repetition multiplies: a++, (x{100}){100})",
                           SHOWN(pattern), REGEX_COST_MAX);
        int r = regcomp(&t->re, pattern, REG_EXTENDED | REG_NOSUB);
        if (r != 0) {
                char why[128];
                regerror(r, &t->re, why, sizeof(why));
                return say(msg, size, "invalid regex \"%.*s%s\": %s", SHOWN(pattern), why);
        }
        t->pattern = strdup(pattern);
        if (!t->pattern) {
                regfree(&t->re);
                return -ENOMEM;
        }
        return 0;
}

bool matcher_cgroup_path_ok(const char *path) {
        if (!path_has_dot_component(path))
                return true;
        const char *last = strrchr(path, '/');
        return !strpbrk(path, "*?[") && cgroup_view_canonical(path) && last && strcmp(last, "/..") != 0;
}

/* One term of the given field and kind from its pattern. */
static int term_compile(struct match_term *t, enum match_field field, enum match_kind kind, const char *pattern,
                        char *msg, size_t size) {
        *t = (struct match_term){ .field = field, .kind = kind };
        if (!*pattern)
                return say(msg, size, "empty pattern after \"%s:\"", field_names[field]);
        int r;
        if (kind == MATCH_GLOB) {
                r = glob_compile(t, pattern, msg, size);
                t->subtree = r == 0 && field == MATCH_CGROUP && !strpbrk(t->pattern, "*?[");
                if (r == 0 && field == MATCH_CGROUP && !matcher_cgroup_path_ok(t->pattern)) {
                        free(t->pattern); /* a glob has no regex to free */
                        *t = (struct match_term){ 0 };
                        return say(msg, size,
                                   "\"cgroup:%.*s%s\": a path with . or .. must be another cgroup namespace's "
                                   "view, literal, a name after its leading .. (e.g. cgroup:/../app)",
                                   SHOWN(pattern));
                }
        } else if (kind == MATCH_REGEX)
                r = regex_compile(t, pattern, msg, size);
        else if ((r = matcher_resolve_user(pattern, &t->uid, msg, size)) == 0 && !(t->pattern = strdup(pattern)))
                r = -ENOMEM;
        if (r < 0)
                *t = (struct match_term){ 0 };
        return r;
}

static enum match_kind kind_of(enum match_field f) {
        return f == MATCH_USER ? MATCH_UID : f == MATCH_EXE || f == MATCH_CGROUP ? MATCH_GLOB : MATCH_REGEX;
}

static int add(struct matcher *m, struct match_term *t) {
        struct match_term *n = realloc(m->terms, (m->n_terms + 1) * sizeof(*n));
        if (!n) {
                term_free(t);
                return -ENOMEM;
        }
        m->terms = n;
        m->terms[m->n_terms++] = *t;
        return 0;
}

/* A glob written as the regex cgroup: used to take ("/a/.*"). */
static bool looks_like_regex(const char *glob) { return strpbrk(glob, "^$()|+") || strstr(glob, ".*"); }

/* The path an anchored literal regex ("^/a\\.slice/b$") matches, into
 * buf; false when it is anything more. */
static bool literal_path(const char *re, char *buf, size_t size) {
        size_t n = strlen(re), o = 0;
        if (n < 3 || re[0] != '^' || re[n - 1] != '$' || re[1] != '/')
                return false;
        for (size_t i = 1; i + 1 < n; i++) {
                char c = re[i];
                if (c == '\\' && i + 2 < n && strchr(".+()[]{}|^$\\-", re[i + 1]))
                        c = re[++i];
                else if (strchr(".*+?()[]{}|^$\\", c))
                        return false;
                if (o + 1 >= size || strchr("*?[", c))
                        return false; /* would read as a glob */
                buf[o++] = c;
        }
        buf[o] = '\0';
        return o == 1 || buf[o - 1] != '/'; /* "/a/" never matched; the glob "/a/" would */
}

/* One term of a line: "cgroup:" followed by something other than an
 * absolute path is the regex of old; accepted, warned (returns 1). */
static int parse_term(struct matcher *m, const char *text, char *msg, size_t size) {
        enum match_field field;
        const char *pattern = split_field(text, &field);
        enum match_kind kind = kind_of(field);
        char path[SHOWN_MAX + 1];
        int warn = 0;
        if (field == MATCH_CGROUP && *pattern && *pattern != '/') {
                kind = MATCH_REGEX;
                if (literal_path(pattern, path, sizeof(path)))
                        say(msg, size,
                            "\"%.*s%s\": a regex after cgroup: is deprecated, write the path glob "
                            "cgroup:%s instead",
                            SHOWN(text), path);
                else
                        say(msg, size,
                            "\"%.*s%s\": a regex after cgroup: is deprecated, write a path glob "
                            "(e.g. cgroup:/system.slice/*) instead",
                            SHOWN(text));
                warn = 1;
        } else if (field == MATCH_CGROUP && looks_like_regex(pattern)) {
                say(msg, size,
                    "\"%.*s%s\" looks like a regex, but cgroup: takes a path glob "
                    "('*' any name within one level, '?' one character)",
                    SHOWN(text));
                warn = 1;
        }
        struct match_term t;
        char why[256];
        int r = term_compile(&t, field, kind, pattern, why, sizeof(why));
        if (r == -EINVAL)
                snprintf(msg, size, "%s", why);
        if (r == 0)
                r = add(m, &t);
        return r < 0 ? r : warn;
}

/* "FIELD:pattern", with TERM_SEP in it written so that it is not one. */
static size_t canonical(const struct match_term *t, char *buf, size_t size) {
        size_t n = (size_t)snprintf(buf, size, "%s:", field_names[t->field]);
        for (const char *p = t->pattern; *p; p++) {
                bool sep = strncmp(p, TERM_SEP, 2) == 0;
                size_t k = sep ? 4 : 1;
                if (buf && n + k < size) {
                        memcpy(buf + n, sep ? "&[&]" : p, k);
                        buf[n + k] = '\0';
                }
                n += k;
                p += sep;
        }
        return n;
}

/* m->source from its terms: "comm:^x$ && user:root". */
static int rebuild_source(struct matcher *m) {
        size_t len = 1;
        for (size_t i = 0; i < m->n_terms; i++)
                len += canonical(&m->terms[i], NULL, 0) + strlen(" " TERM_SEP " ");
        char *s = malloc(len), *at = s;
        if (!s)
                return -ENOMEM;
        *s = '\0';
        for (size_t i = 0; i < m->n_terms; i++) {
                if (i)
                        at += sprintf(at, " %s ", TERM_SEP);
                at += canonical(&m->terms[i], at, len - (size_t)(at - s));
        }
        free(m->source);
        m->source = s;
        return 0;
}

/* The blanks around a term are not part of it. */
static char *trim(char *s) {
        while (*s == ' ' || *s == '\t')
                s++;
        for (size_t n = strlen(s); n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
                s[n - 1] = '\0';
        return s;
}

static int parse_terms(struct matcher *m, char *line, char *msg, size_t size) {
        int warned = 0;
        bool first = true;
        for (char *term = line, *next; term; term = next, first = false) {
                next = strstr(term, TERM_SEP);
                if (next) {
                        *next = '\0';
                        next += strlen(TERM_SEP);
                }
                term = trim(term);
                if (!*term)
                        return say(msg, size, "empty term: nothing %s \"%s\"",
                                   !next   ? "after"
                                   : first ? "before"
                                           : "between two",
                                   TERM_SEP);
                char why[512];
                int r = parse_term(m, term, why, sizeof(why));
                if (r < 0 || (r > 0 && !warned))
                        snprintf(msg, size, "%s", why);
                if (r < 0)
                        return r;
                warned |= r;
        }
        return warned;
}

int matcher_parse(const char *value, struct matcher *ret, char *msg, size_t msgsize) {
        struct matcher m = { 0 };
        char *line = strdup(value);
        if (!line)
                return -ENOMEM;
        int r = parse_terms(&m, line, msg, msgsize);
        free(line);
        if (r >= 0 && !(m.source = strdup(value)))
                r = -ENOMEM;
        if (r < 0) {
                matcher_free(&m);
                return r;
        }
        *ret = m;
        return r;
}

int matcher_add_term(struct matcher *m, enum match_field field, const char *pattern, char *msg, size_t msgsize) {
        struct match_term t;
        int r = term_compile(&t, field, kind_of(field), pattern, msg, msgsize);
        if (r == 0)
                r = add(m, &t);
        return r < 0 ? r : rebuild_source(m);
}

/* A copy of a term that compiled before (no NSS lookup for a user). */
static int term_copy(struct match_term *t, const struct match_term *from) {
        char why[256];
        if (from->kind == MATCH_UID) {
                *t = *from;
                t->pattern = strdup(from->pattern);
                return t->pattern ? 0 : -ENOMEM;
        }
        int r = term_compile(t, from->field, from->kind, from->pattern, why, sizeof(why));
        return r == -EINVAL ? -ENOMEM : r; /* it compiled once: out of memory */
}

int matcher_extend(struct matcher *m, const struct matcher *extra) {
        bool had_terms = m->n_terms > 0;
        for (size_t i = 0; i < extra->n_terms; i++) {
                struct match_term t;
                if (term_copy(&t, &extra->terms[i]) < 0 || add(m, &t) < 0)
                        return -ENOMEM;
        }
        char *s = NULL;
        if (had_terms && m->source ? asprintf(&s, "%s %s %s", m->source, TERM_SEP, extra->source) < 0
                                   : !(s = strdup(extra->source)))
                return -ENOMEM;
        free(m->source);
        m->source = s;
        return 0;
}

void matcher_free(struct matcher *m) {
        for (size_t i = 0; i < m->n_terms; i++)
                term_free(&m->terms[i]);
        free(m->terms);
        free(m->source);
        *m = (struct matcher){ 0 };
}

int matcher_list_add(struct matcher_list *l, struct matcher *m) {
        if (GROW(l->items, l->cap, l->n + 1) < 0)
                return -ENOMEM;
        l->items[l->n++] = *m;
        *m = (struct matcher){ 0 };
        return 0;
}

void matcher_list_free(struct matcher_list *l) {
        for (size_t i = 0; i < l->n; i++)
                matcher_free(&l->items[i]);
        free(l->items);
        *l = (struct matcher_list){ 0 };
}

unsigned matcher_fields(const struct matcher *m) {
        unsigned mask = 0;
        for (size_t i = 0; i < m->n_terms; i++)
                mask |= 1u << m->terms[i].field;
        return mask;
}

unsigned matcher_list_fields(const struct matcher_list *l) {
        unsigned mask = 0;
        for (size_t i = 0; l && i < l->n; i++)
                mask |= matcher_fields(&l->items[i]);
        return mask;
}

static const char *subject_of(enum match_field field, const struct proc_facts *f) {
        switch (field) {
        case MATCH_COMM:
                return f->comm;
        case MATCH_CMDLINE:
                return f->cmdline;
        case MATCH_CGROUP:
                return f->cgroup;
        case MATCH_EXE:
                return f->exe;
        default:
                return NULL;
        }
}

/* Globs as for [cgroup:] paths (policy/cgroup_match.h). */
static bool term_match(const struct match_term *t, const struct proc_facts *f) {
        if (t->kind == MATCH_UID)
                return f->has_uid && f->uid == t->uid;
        const char *s = subject_of(t->field, f);
        if (!s)
                return false;
        /* A view that climbs out of our cgroup namespace ("/../app") is
         * another namespace's process: it matches nothing of ours but a
         * literal view of that form, the way the sidecar's built-in
         * policy names the app beside it (oomguard(8), SIDECAR): that
         * exact view and views below it by plain names, as for victims
         * (sources/cgroup_view.h). */
        if (t->field == MATCH_CGROUP && path_has_dot_component(s))
                return t->kind == MATCH_GLOB && t->subtree && path_has_dot_component(t->pattern) &&
                       cgroup_view_within(s, t->pattern);
        if (t->kind == MATCH_GLOB && t->subtree) {
                size_t n = strlen(t->pattern);
                return strncmp(t->pattern, s, n) == 0 && (s[n] == '\0' || s[n] == '/' || t->pattern[n - 1] == '/');
        }
        if (t->kind == MATCH_GLOB)
                return cgroup_glob_match(t->pattern, s);
        return regexec(&t->re, s, 0, NULL, 0) == 0;
}

bool matcher_match(const struct matcher *m, const struct proc_facts *f) {
        for (size_t i = 0; i < m->n_terms; i++)
                if (!term_match(&m->terms[i], f))
                        return false;
        return m->n_terms > 0;
}

bool matcher_list_match(const struct matcher_list *l, const struct proc_facts *f) {
        for (size_t i = 0; l && i < l->n; i++)
                if (matcher_match(&l->items[i], f))
                        return true;
        return false;
}

static bool term_equal(const struct match_term *a, const struct match_term *b) {
        return a->field == b->field && a->kind == b->kind &&
               (a->kind == MATCH_UID ? a->uid == b->uid : strcmp(a->pattern, b->pattern) == 0);
}

/* Every term of broad is a term of narrow. */
static bool matcher_covers(const struct matcher *broad, const struct matcher *narrow) {
        for (size_t i = 0; i < broad->n_terms; i++) {
                bool found = false;
                for (size_t j = 0; j < narrow->n_terms && !found; j++)
                        found = term_equal(&broad->terms[i], &narrow->terms[j]);
                if (!found)
                        return false;
        }
        return true;
}

bool matcher_list_covers(const struct matcher_list *broad, const struct matcher_list *narrow) {
        for (size_t j = 0; j < narrow->n; j++) {
                bool covered = false;
                for (size_t i = 0; i < broad->n && !covered; i++)
                        covered = matcher_covers(&broad->items[i], &narrow->items[j]);
                if (!covered)
                        return false;
        }
        return broad->n > 0;
}
