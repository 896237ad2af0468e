/* Loading oomguard.conf with inih. Every error is collected as
 * "file:line: key: reason" and the whole file is always read, so one run
 * shows all mistakes.
 *
 * Debian's inih has no handler line numbers, so our reader counts
 * physical lines. The reader also handles what inih would get wrong or
 * only half report: section headers (inih truncates long names and has no
 * callback for them), garbage lines, over-long lines (inih would split
 * them into two "lines"). inih only ever sees blank lines, comments and
 * "key = value" lines, and does the stripping and inline comments. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config.h"
#include "util.h"

#define KEYS_MAX 64
#define SHOWN_MAX 64 /* longest user text echoed back in a message */

enum section { SEC_NONE, SEC_IGNORED, SEC_DAEMON, SEC_GLOBAL, SEC_CGROUP, SEC_SUPERVISOR, SEC_ADJUST };

struct loader {
        FILE *f;
        const char *name;
        char *line;
        size_t cap;
        int lineno;
        int read_errno;
        struct config_errors *errors;
        size_t n_errors; /* added by this load */
        int fatal;       /* -ENOMEM */
        struct policy pol;

        enum section sec;
        char *header;    /* "[cgroup:web]", for messages */
        int header_line;
        bool discard;    /* duplicate/misnamed section: checked, then dropped */
        struct rule rule; /* the [global] or [cgroup:] being read */
        struct supervisor_rule sup; /* the [supervisor:] being read */
        struct adjust_rule adj; /* the [adjust:] being read */
        struct daemon_settings scratch; /* a duplicate [daemon] */
        int key_line[KEYS_MAX]; /* line each key was set on; 0 = not yet */
        int daemon_line, global_line;
};

void config_errors_free(struct config_errors *e) {
        for (size_t i = 0; i < e->n; i++)
                free(e->msgs[i]);
        for (size_t i = 0; i < e->n_warnings; i++)
                free(e->warnings[i]);
        *e = (struct config_errors){ 0 };
}

void config_errors_print(const struct config_errors *e, FILE *out) {
        for (size_t i = 0; i < e->n; i++)
                fprintf(out, "%s\n", e->msgs[i]);
        if (e->dropped > 0)
                fprintf(out, "... and %zu more errors\n", e->dropped);
        for (size_t i = 0; i < e->n_warnings; i++)
                fprintf(out, "%s\n", e->warnings[i]);
}

/* User text made safe and short for a message: control bytes become '?',
 * trailing blanks go, long text is cut with "...". */
static const char *shown(char buf[static SHOWN_MAX + 4], const char *s) {
        sanitize_copy(buf, SHOWN_MAX + 1, s);
        size_t n = strlen(buf);
        while (n > 0 && isspace((unsigned char)buf[n - 1]))
                buf[--n] = '\0';
        if (strlen(s) > SHOWN_MAX)
                strcpy(buf + SHOWN_MAX, "...");
        return buf;
}

static void add_error(struct loader *L, char *msg) {
        L->n_errors++;
        if (!msg) {
                L->fatal = -ENOMEM;
                return;
        }
        if (L->errors->n < CONFIG_MAX_ERRORS) {
                L->errors->msgs[L->errors->n++] = msg;
        } else {
                L->errors->dropped++;
                free(msg);
        }
}

/* "FILE:LINE: KEY: REASON"; no KEY → "FILE:LINE: REASON"; no line →
 * "FILE: REASON". key is user text and gets shown(). */
_printf_(4, 5) static void error_at(struct loader *L, int line, const char *key,
                                    const char *fmt, ...) {
        char *reason = NULL, *msg = NULL, k[SHOWN_MAX + 4];
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&reason, fmt, ap);
        va_end(ap);
        if (r < 0) {
                add_error(L, NULL);
                return;
        }
        if (line <= 0)
                r = asprintf(&msg, "%s: %s", L->name, reason);
        else if (!key)
                r = asprintf(&msg, "%s:%d: %s", L->name, line, reason);
        else
                r = asprintf(&msg, "%s:%d: %s: %s", L->name, line, shown(k, key), reason);
        free(reason);
        add_error(L, r < 0 ? NULL : msg);
}

/* "FILE:LINE: [adjust:NAME]: REASON", kept apart from the errors. */
_printf_(3, 4) static void warning_at(struct loader *L, int line, const char *fmt, ...) {
        char *reason = NULL, *msg = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&reason, fmt, ap);
        va_end(ap);
        if (r >= 0 && asprintf(&msg, "%s:%d: %s", L->name, line, reason) < 0)
                msg = NULL;
        free(reason);
        if (!msg)
                L->fatal = -ENOMEM;
        else if (L->errors->n_warnings < CONFIG_MAX_ERRORS)
                L->errors->warnings[L->errors->n_warnings++] = msg;
        else
                free(msg);
}

/* First match wins: a rule no narrower than a later one hides it. */
static void warn_shadowed(struct loader *L) {
        const struct adjust_rule *a = L->pol.adjust;
        for (size_t j = 1; j < L->pol.n_adjust; j++)
                for (size_t i = 0; i < j; i++)
                        if (adjust_rule_shadows(&a[i], &a[j])) {
                                warning_at(L, a[j].line, "[adjust:%s]: never applies: shadowed by "
                                           "[adjust:%s] (line %d)", a[j].name, a[i].name, a[i].line);
                                break;
                        }
}

static unsigned section_mask(enum section s) {
        switch (s) {
        case SEC_DAEMON:
                return CONFIG_SEC_DAEMON;
        case SEC_GLOBAL:
                return CONFIG_SEC_GLOBAL;
        case SEC_CGROUP:
                return CONFIG_SEC_CGROUP;
        case SEC_SUPERVISOR:
                return CONFIG_SEC_SUPERVISOR;
        case SEC_ADJUST:
                return CONFIG_SEC_ADJUST;
        default:
                return 0;
        }
}

/* ---- values ---- */

/* Where key k of the current section is stored. */
static void *value_ptr(struct loader *L, const struct config_key *k) {
        char *base;
        if (L->sec == SEC_DAEMON)
                base = (char *)(L->discard ? &L->scratch : &L->pol.daemon);
        else if (L->sec == SEC_SUPERVISOR)
                base = (char *)&L->sup;
        else if (L->sec == SEC_ADJUST)
                base = (char *)&L->adj;
        else
                base = (char *)&L->rule;
        return base + k->offset;
}

static void set_duration(struct loader *L, const struct config_key *k, const char *v, uint64_t *p) {
        char s[SHOWN_MAX + 4];
        uint64_t ns;
        int r = parse_duration(v, &ns);
        if (r == -ERANGE)
                error_at(L, L->lineno, k->name, "duration \"%s\" too large", shown(s, v));
        else if (r < 0)
                error_at(L, L->lineno, k->name,
                         "invalid duration \"%s\" (e.g. 500us, 100ms, 2s, 1.5m, 1h)", shown(s, v));
        else if (ns == 0 && (k->flags & CONFIG_F_NONZERO))
                error_at(L, L->lineno, k->name, "must be greater than 0");
        else
                *p = ns;
}

static void set_bool(struct loader *L, const struct config_key *k, const char *v, bool *p) {
        char s[SHOWN_MAX + 4];
        if (parse_bool(v, p) < 0)
                error_at(L, L->lineno, k->name,
                         "invalid boolean \"%s\" (yes/no, true/false, on/off, 1/0)", shown(s, v));
}

/* protect / prefer / avoid: each line adds one matcher to the list. */
static void set_matcher(struct loader *L, const struct config_key *k, const char *v,
                        struct matcher_list *l) {
        char why[256], s[sizeof(why)];
        struct matcher m;
        int r = matcher_parse(v, &m, why, sizeof(why));
        if (r == -ENOMEM) {
                L->fatal = -ENOMEM;
        } else if (r < 0) {
                sanitize_copy(s, sizeof(s), why);
                error_at(L, L->lineno, k->name, "%s", s);
        } else if (matcher_list_add(l, &m) < 0) {
                if (m.has_re)
                        regfree(&m.re);
                free(m.source);
                L->fatal = -ENOMEM;
        }
}

/* A whole decimal number: digits only. */
static void set_uint(struct loader *L, const struct config_key *k, const char *v, unsigned *p) {
        char s[SHOWN_MAX + 4];
        unsigned long long n = 0;
        bool ok = *v != '\0', big = false;
        for (const char *c = v; ok && *c; c++) {
                if (*c < '0' || *c > '9')
                        ok = false;
                else if (!big && (n = n * 10 + (unsigned)(*c - '0')) > UINT_MAX)
                        big = true;
        }
        if (!ok)
                error_at(L, L->lineno, k->name, "invalid number \"%s\" (a whole number, e.g. 10)",
                         shown(s, v));
        else if (big)
                error_at(L, L->lineno, k->name, "\"%s\" too large", shown(s, v));
        else if (n == 0 && (k->flags & CONFIG_F_NONZERO))
                error_at(L, L->lineno, k->name, "must be greater than 0");
        else
                *p = (unsigned)n;
}

static void set_size_pct(struct loader *L, const struct config_key *k, const char *v,
                         struct size_or_pct *p) {
        char s[SHOWN_MAX + 4];
        int r = parse_size_or_pct(v, p);
        if (r == -ERANGE && v[strlen(v) - 1] == '%')
                error_at(L, L->lineno, k->name, "percentage \"%s\" out of range (0..100%%)",
                         shown(s, v));
        else if (r == -ERANGE)
                error_at(L, L->lineno, k->name, "size \"%s\" too large", shown(s, v));
        else if (r < 0)
                error_at(L, L->lineno, k->name,
                         "invalid size or percentage \"%s\" (e.g. 512M, 1.5G, 5%%)", shown(s, v));
        else if ((k->flags & CONFIG_F_INSIDE_LIMIT) &&
                 (p->kind == SIZE_PERCENT ? p->percent <= 0 || p->percent >= 100 : p->bytes == 0)) {
                error_at(L, L->lineno, k->name, "\"%s\" must lie inside the limit (a size above 0 "
                         "or a percentage above 0%% and below 100%%)", shown(s, v));
                p->kind = SIZE_UNSET;
        }
}

/* PSI percentages; a trailing '%' is allowed since people write it. */
static void set_percent(struct loader *L, const struct config_key *k, const char *v, double *p) {
        char s[SHOWN_MAX + 4], num[SHOWN_MAX + 4];
        size_t n = strlen(v);
        double d;
        int r = -EINVAL;
        if (n < sizeof(num)) {
                memcpy(num, v, n + 1);
                if (n > 1 && num[n - 1] == '%')
                        num[n - 1] = '\0';
                r = parse_double(num, &d);
        }
        if (r == -ERANGE || (r == 0 && d > 100))
                error_at(L, L->lineno, k->name, "\"%s\" out of range (0..100)", shown(s, v));
        else if (r < 0)
                error_at(L, L->lineno, k->name, "invalid number \"%s\" (a percentage 0..100)",
                         shown(s, v));
        else
                *p = d;
}

static void set_rate(struct loader *L, const struct config_key *k, const char *v, double *p) {
        char s[SHOWN_MAX + 4];
        int r = parse_double(v, p);
        if (r == -ERANGE)
                error_at(L, L->lineno, k->name, "\"%s\" too large", shown(s, v));
        else if (r < 0)
                error_at(L, L->lineno, k->name,
                         "invalid number \"%s\" (events per second, e.g. 100 or 0.5)", shown(s, v));
}

static void set_watermark(struct loader *L, const struct config_key *k, const char *v,
                          enum watermark_level *p) {
        char s[SHOWN_MAX + 4];
        enum watermark_level w;
        if (watermark_level_from_string(v, &w) < 0 || w == WATERMARK_NONE)
                error_at(L, L->lineno, k->name, "invalid watermark \"%s\" (min, low or high)",
                         shown(s, v));
        else
                *p = w;
}

static void set_action(struct loader *L, const struct config_key *k, const char *v,
                       enum action_kind *p) {
        char s[SHOWN_MAX + 4];
        enum action_kind a;
        if (action_kind_from_string(v, &a) < 0)
                error_at(L, L->lineno, k->name,
                         "invalid action \"%s\" (warn, kill, kill-cgroup, reclaim, stop)", shown(s, v));
        else if (a == ACTION_KILL_CGROUP && L->sec == SEC_GLOBAL)
                error_at(L, L->lineno, k->name, "kill-cgroup is only valid in [cgroup:NAME]");
        else if (L->sec == SEC_SUPERVISOR && a != ACTION_KILL && a != ACTION_WARN)
                error_at(L, L->lineno, k->name, "invalid zombie action \"%s\" (kill, warn)", shown(s, v));
        else
                *p = a;
}

static void set_path(struct loader *L, const struct config_key *k, const char *v, char **p) {
        char s[SHOWN_MAX + 4];
        if (v[0] != '/') {
                error_at(L, L->lineno, k->name, "\"%s\" is not absolute (%s starts with '/')",
                         shown(s, v), k->type == CONFIG_EXE ? "an executable's path" : "a cgroup path");
                return;
        }
        char *copy = strdup(v);
        if (!copy) {
                L->fatal = -ENOMEM;
                return;
        }
        /* "/a/b/" would never fnmatch "/a/b": drop trailing slashes. */
        for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
                copy[n - 1] = '\0';
        *p = copy;
}

static void set_restart_action(struct loader *L, const struct config_key *k, const char *v,
                               enum restart_action *p) {
        char s[SHOWN_MAX + 4];
        if (restart_action_from_string(v, p) < 0)
                error_at(L, L->lineno, k->name, "invalid restart action \"%s\" (warn, stop, kill, cap-forks)",
                         shown(s, v));
}

/* comm, cmdline: POSIX extended, as the matchers. */
static void set_regex(struct loader *L, const struct config_key *k, const char *v,
                      struct regex_value *p) {
        char s[SHOWN_MAX + 4], msg[128];
        int r = regcomp(&p->re, v, REG_EXTENDED | REG_NOSUB);
        if (r != 0) {
                regerror(r, &p->re, msg, sizeof(msg));
                error_at(L, L->lineno, k->name, "invalid regex \"%s\": %s", shown(s, v), msg);
                return;
        }
        p->source = strdup(v);
        if (!p->source) {
                regfree(&p->re);
                L->fatal = -ENOMEM;
        }
}

static void set_user(struct loader *L, const struct config_key *k, const char *v,
                     struct user_value *p) {
        char why[256], s[sizeof(why)];
        if (matcher_resolve_user(v, &p->uid, why, sizeof(why)) < 0) {
                sanitize_copy(s, sizeof(s), why);
                error_at(L, L->lineno, k->name, "%s", s);
        } else if (!(p->source = strdup(v)))
                L->fatal = -ENOMEM;
}

/* A whole number with an optional sign, -1000..1000. */
static void set_oom_adj(struct loader *L, const struct config_key *k, const char *v, int *p) {
        char s[SHOWN_MAX + 4];
        const char *c = v + (*v == '-' || *v == '+');
        long n = 0;
        bool ok = *c != '\0';
        for (; ok && *c; c++) {
                if (*c < '0' || *c > '9')
                        ok = false;
                else if (n <= OOM_ADJ_MAX)
                        n = n * 10 + (*c - '0');
        }
        if (!ok)
                error_at(L, L->lineno, k->name, "invalid number \"%s\" (a whole number, -1000..1000)",
                         shown(s, v));
        else if (n > OOM_ADJ_MAX)
                error_at(L, L->lineno, k->name, "\"%s\" out of range (-1000..1000)", shown(s, v));
        else
                *p = (int)(*v == '-' ? -n : n);
}

static void set_value(struct loader *L, const struct config_key *k, const char *v) {
        void *p = value_ptr(L, k);
        switch (k->type) {
        case CONFIG_DURATION:
                set_duration(L, k, v, p);
                break;
        case CONFIG_BOOL:
                set_bool(L, k, v, p);
                break;
        case CONFIG_MATCHERS:
                set_matcher(L, k, v, p);
                break;
        case CONFIG_UINT:
                set_uint(L, k, v, p);
                break;
        case CONFIG_SIZE_PCT:
                set_size_pct(L, k, v, p);
                break;
        case CONFIG_PERCENT:
                set_percent(L, k, v, p);
                break;
        case CONFIG_RATE:
                set_rate(L, k, v, p);
                break;
        case CONFIG_WATERMARK:
                set_watermark(L, k, v, p);
                break;
        case CONFIG_ACTION:
                set_action(L, k, v, p);
                break;
        case CONFIG_PATH:
        case CONFIG_EXE:
                set_path(L, k, v, p);
                break;
        case CONFIG_RESTART_ACTION:
                set_restart_action(L, k, v, p);
                break;
        case CONFIG_REGEX:
                set_regex(L, k, v, p);
                break;
        case CONFIG_USER:
                set_user(L, k, v, p);
                break;
        case CONFIG_OOM_ADJ:
                set_oom_adj(L, k, v, p);
                break;
        }
}

/* inih's callback for every "key = value" line. Always returns 1: we
 * collect errors ourselves and want the rest of the file read. */
static int handler(void *user, const char *section, const char *name, const char *value) {
        struct loader *L = user;
        unsigned valid_in = config_key_sections(name);

        if (L->sec == SEC_IGNORED) /* its header was reported already */
                return 1;
        if (L->sec == SEC_NONE) {
                if (valid_in)
                        error_at(L, L->lineno, name, "outside any section (it belongs in %s)",
                                 config_sections_string(valid_in));
                else
                        error_at(L, L->lineno, name, "outside any section");
                return 1;
        }
        if (!valid_in) {
                error_at(L, L->lineno, name, "unknown key in %s",
                         config_sections_string(section_mask(L->sec)));
                return 1;
        }
        const struct config_key *k = config_key_find(name, section_mask(L->sec));
        if (!k) {
                error_at(L, L->lineno, name, "only valid in %s", config_sections_string(valid_in));
                return 1;
        }
        /* Matchers are lists: every line adds one. */
        size_t i = (size_t)(k - config_keys);
        if (L->key_line[i] && k->type != CONFIG_MATCHERS) {
                error_at(L, L->lineno, name, "duplicate key (first set on line %d)", L->key_line[i]);
                return 1;
        }
        if (!L->key_line[i])
                L->key_line[i] = L->lineno;
        if (!value || !*value)
                error_at(L, L->lineno, name, "empty value");
        else
                set_value(L, k, value);
        return 1;
}

/* ---- sections ---- */

static void end_rule(struct loader *L) {
        if (L->sec == SEC_CGROUP && !L->rule.path_glob)
                error_at(L, L->header_line, L->header, "missing path");
        if (!thresholds_any_set(&L->rule.th) && !L->rule.oom_handler)
                error_at(L, L->header_line, L->header, "no threshold set; the rule would never fire");
        if (L->discard) {
                rule_free(&L->rule);
        } else if (L->sec == SEC_GLOBAL) {
                L->pol.global = L->rule;
                L->pol.has_global = true;
        } else {
                struct rule *a = reallocarray(L->pol.cgroups, L->pol.n_cgroups + 1, sizeof(*a));
                if (!a) {
                        rule_free(&L->rule);
                        L->fatal = -ENOMEM;
                } else {
                        a[L->pol.n_cgroups++] = L->rule;
                        L->pol.cgroups = a;
                }
        }
        L->rule = (struct rule){ 0 };
}

static bool rule_name_valid(const char *s);

static void end_supervisor(struct loader *L) {
        if (!L->sup.match.n && !L->sup.cgroup_glob)
                error_at(L, L->header_line, L->header,
                         "say which processes are supervisors (match and/or cgroup)");
        struct supervisor_rule *a = L->discard ? NULL
                : reallocarray(L->pol.supervisors, L->pol.n_supervisors + 1, sizeof(*a));
        if (!a) {
                L->fatal = L->discard ? L->fatal : -ENOMEM;
                supervisor_rule_free(&L->sup);
        } else {
                a[L->pol.n_supervisors++] = L->sup;
                L->pol.supervisors = a;
        }
        L->sup = (struct supervisor_rule){ 0 };
}

static void begin_supervisor(struct loader *L, const char *name) {
        if (supervisor_rule_init(&L->sup, name) < 0) {
                L->fatal = -ENOMEM;
                L->sec = SEC_IGNORED;
                return;
        }
        L->sup.line = L->lineno;
        L->sec = SEC_SUPERVISOR;
        if (!*name || !rule_name_valid(name)) {
                error_at(L, L->lineno, L->header, "%s", *name ? "invalid rule name (use letters, digits, '-', '_', '.', '@')"
                                                            : "empty rule name");
                L->discard = true;
        }
        for (size_t i = 0; !L->discard && i < L->pol.n_supervisors; i++)
                if (strcmp(L->pol.supervisors[i].name, name) == 0) {
                        error_at(L, L->lineno, L->header, "duplicate section (first on line %d)",
                                 L->pol.supervisors[i].line);
                        L->discard = true;
                }
}

/* Whether key name of the current section appeared (valid or not). */
static bool key_given(const struct loader *L, const char *name) {
        const struct config_key *k = config_key_find(name, section_mask(L->sec));
        return k && L->key_line[k - config_keys];
}

/* A key given with a bad value was reported already: no second error. */
static void end_adjust(struct loader *L) {
        static const char *const selectors[] = { "comm", "cmdline", "exe", "cgroup", "user" };
        bool any = false;
        for (size_t i = 0; i < ELEMENTSOF(selectors); i++)
                any = any || key_given(L, selectors[i]);
        if (!any)
                error_at(L, L->header_line, L->header,
                         "no selector (comm, cmdline, exe, cgroup or user); say which processes it is for");
        if (!key_given(L, "oom_score_adj"))
                error_at(L, L->header_line, L->header, "missing oom_score_adj");
        struct adjust_rule *a = L->discard ? NULL
                : reallocarray(L->pol.adjust, L->pol.n_adjust + 1, sizeof(*a));
        if (!a) {
                if (!L->discard)
                        L->fatal = -ENOMEM;
                adjust_rule_free(&L->adj);
        } else {
                a[L->pol.n_adjust++] = L->adj;
                L->pol.adjust = a;
        }
        L->adj = (struct adjust_rule){ 0 };
}

static void section_end(struct loader *L) {
        if (L->sec == SEC_SUPERVISOR)
                end_supervisor(L);
        if (L->sec == SEC_DAEMON && L->discard)
                daemon_settings_free(&L->scratch);
        else if (L->sec == SEC_ADJUST)
                end_adjust(L);
        else if (L->sec == SEC_GLOBAL || L->sec == SEC_CGROUP)
                end_rule(L);
        L->sec = SEC_NONE;
        L->discard = false;
}

/* Letters, digits and a few marks: names end up in logs and journal fields. */
static bool rule_name_valid(const char *s) {
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && !strchr("-_.@", *s))
                        return false;
        return true;
}

/* An empty or ill-formed rule name: reported, the section is discarded. */
static bool rule_name_bad(struct loader *L, const char *name) {
        if (!*name)
                error_at(L, L->lineno, L->header, "empty rule name");
        else if (!rule_name_valid(name))
                error_at(L, L->lineno, L->header,
                         "invalid rule name (use letters, digits, '-', '_', '.', '@')");
        else
                return false;
        return true;
}

static void begin_adjust(struct loader *L, const char *name) {
        L->sec = SEC_ADJUST;
        if (adjust_rule_init(&L->adj, name) < 0) {
                L->fatal = -ENOMEM;
                L->sec = SEC_IGNORED;
                return;
        }
        L->adj.line = L->lineno;
        L->discard = rule_name_bad(L, name);
        for (size_t i = 0; !L->discard && i < L->pol.n_adjust; i++)
                if (strcmp(L->pol.adjust[i].name, name) == 0) {
                        error_at(L, L->lineno, L->header, "duplicate section (first on line %d)",
                                 L->pol.adjust[i].line);
                        L->discard = true;
                }
}

static void begin_cgroup(struct loader *L, const char *name) {
        if (!*name) {
                error_at(L, L->lineno, L->header, "empty rule name");
                L->discard = true;
        } else if (!rule_name_valid(name)) {
                error_at(L, L->lineno, L->header,
                         "invalid rule name (use letters, digits, '-', '_', '.', '@')");
                L->discard = true;
        }
        for (size_t i = 0; !L->discard && i < L->pol.n_cgroups; i++)
                if (strcmp(L->pol.cgroups[i].name, name) == 0) {
                        error_at(L, L->lineno, L->header, "duplicate section (first on line %d)",
                                 L->pol.cgroups[i].line);
                        L->discard = true;
                }
        L->sec = SEC_CGROUP;
}

/* A section that may appear once; returns whether this is the first. */
static bool begin_once(struct loader *L, int *first_line) {
        if (*first_line) {
                error_at(L, L->lineno, L->header, "duplicate section (first on line %d)", *first_line);
                L->discard = true;
                return false;
        }
        *first_line = L->lineno;
        return true;
}

static bool has_prefix(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void section_begin(struct loader *L, const char *name) {
        section_end(L);
        memset(L->key_line, 0, sizeof(L->key_line));
        L->header_line = L->lineno;
        free(L->header);
        if (asprintf(&L->header, "[%s]", name) < 0) {
                L->header = NULL;
                L->fatal = -ENOMEM;
                L->sec = SEC_IGNORED;
                return;
        }
        if (strcmp(name, "daemon") == 0) {
                if (!begin_once(L, &L->daemon_line)) {
                        struct policy defaults;
                        policy_init_defaults(&defaults);
                        L->scratch = defaults.daemon;
                }
                L->sec = SEC_DAEMON;
                return;
        }
        if (strcmp(name, "global") == 0 || has_prefix(name, "cgroup:")) {
                bool global = name[0] == 'g';
                if (rule_init(&L->rule, global ? RULE_GLOBAL : RULE_CGROUP,
                              global ? "global" : name + strlen("cgroup:")) < 0) {
                        L->fatal = -ENOMEM;
                        L->sec = SEC_IGNORED;
                        return;
                }
                L->rule.line = L->lineno;
                if (global) {
                        begin_once(L, &L->global_line);
                        L->sec = SEC_GLOBAL;
                } else {
                        begin_cgroup(L, L->rule.name);
                }
                return;
        }
        if (has_prefix(name, "supervisor:")) {
                begin_supervisor(L, name + strlen("supervisor:"));
                return;
        }
        if (has_prefix(name, "adjust:")) {
                begin_adjust(L, name + strlen("adjust:"));
                return;
        }
        L->sec = SEC_IGNORED;
        error_at(L, L->lineno, L->header, "unknown section (expected [daemon], [global], "
                 "[cgroup:NAME], [supervisor:NAME] or [adjust:NAME])");
}

/* ---- lines ---- */

/* A "[...]" line: the header must be closed, with at most a comment after. */
static void section_line(struct loader *L, const char *t) {
        const char *close = strchr(t, ']');
        const char *rest = close ? close + 1 : "";
        while (isspace((unsigned char)*rest))
                rest++;
        if (!close || (*rest && *rest != ';' && *rest != '#')) {
                section_end(L);
                L->sec = SEC_IGNORED; /* its keys would only add noise */
                error_at(L, L->lineno, t, close ? "unexpected text after ']'"
                                                : "missing ']' at the end of the section header");
                return;
        }
        char *name = strndup(t + 1, (size_t)(close - t - 1));
        if (!name) {
                L->fatal = -ENOMEM;
                return;
        }
        section_begin(L, name);
        free(name);
}

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
                section_line(L, t);
                return false;
        }
        if (!key_line_valid(t)) {
                error_at(L, L->lineno, t, "expected \"key = value\", \"[section]\" or a comment");
                return false;
        }
        return true;
}

/* inih's fgets-like reader: one physical line per call, so L->lineno is
 * the line of what the handler is called for. Lines we handled or
 * rejected are passed on as empty lines. */
static char *reader(char *str, int num, void *stream) {
        struct loader *L = stream;
        errno = 0;
        ssize_t n = getline(&L->line, &L->cap, L->f);
        if (n < 0) {
                if (!feof(L->f))
                        L->read_errno = errno ? errno : EIO;
                return NULL;
        }
        L->lineno++;
        char *s = L->line;
        bool ok = strlen(s) == (size_t)n;
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
                s[--n] = '\0';
        if (L->lineno == 1 && has_prefix(s, "\xEF\xBB\xBF")) { /* UTF-8 BOM */
                s += 3;
                n -= 3;
        }
        int max = num - 3 < CONFIG_MAX_LINE ? num - 3 : CONFIG_MAX_LINE;
        if (!ok)
                error_at(L, L->lineno, NULL, "line contains a NUL byte");
        else if (n > max)
                error_at(L, L->lineno, NULL, "line too long (max %d)", max);
        else if (line_for_inih(L, s)) {
                memcpy(str, s, (size_t)n);
                str[n] = '\n';
                str[n + 1] = '\0';
                return str;
        }
        strcpy(str, "\n");
        return str;
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
        if (config_n_keys > KEYS_MAX)
                return -E2BIG;
        policy_init_defaults(&L.pol);
        L.pol.source_file = strdup(name);
        if (!L.pol.source_file)
                return -ENOMEM;

        configure_inih();
        int r = ini_parse_stream(reader, &L, handler, &L);
        section_end(&L);
        if (r == -2)
                L.fatal = -ENOMEM;
        else if (r > 0 && L.n_errors == 0) /* cannot happen: we pre-check lines */
                error_at(&L, r, NULL, "syntax error");
        if (L.read_errno)
                error_at(&L, 0, NULL, "read error: %s", strerror(L.read_errno));
        if (L.n_errors == 0 && !L.pol.has_global && L.pol.n_cgroups == 0 && L.pol.n_adjust == 0)
                error_at(&L, 0, NULL, "no [global], [cgroup:NAME] or [adjust:NAME] rule; nothing to do");
        if (L.n_errors == 0)
                warn_shadowed(&L);
        free(L.line);
        free(L.header);

        if (L.fatal || L.n_errors) {
                policy_free(&L.pol);
                return L.fatal ? L.fatal : -EINVAL;
        }
        *ret = L.pol;
        return 0;
}

int config_load(const char *path, struct policy *ret, struct config_errors *errors) {
        struct loader L = { .name = path, .errors = errors };
        FILE *f = fopen(path, "re");
        if (!f) {
                int e = errno;
                error_at(&L, 0, NULL, "cannot open: %s", strerror(e));
                return L.fatal ? L.fatal : -e;
        }
        int r = config_load_stream(f, path, ret, errors);
        fclose(f);
        return r;
}
