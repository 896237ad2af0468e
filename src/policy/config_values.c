/* One config value from its text, by the type and flags of its key in the
 * table: durations, sizes and percentages, numbers, booleans, actions,
 * paths, regexes, users, matchers. Pure: knows nothing of files, lines or
 * sections; a refused value gets the reason a person can act on, and the
 * caller puts "file:line: key: " in front. Allocates what the value owns
 * (a copied path, a compiled regex). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "policy_internal.h"

/* Writes why the value is refused; returns -EINVAL. */
_printf_(2, 3) static int refuse(char *why, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, CONFIG_WHY_MAX, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

static int to_duration(const struct config_key *k, const char *v, uint64_t *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        uint64_t ns;
        int r = parse_duration(v, &ns);
        if (r == -ERANGE)
                return refuse(why, "duration \"%s\" too large", config_shown(s, v));
        if (r < 0)
                return refuse(why, "invalid duration \"%s\" (e.g. 500us, 100ms, 2s, 1.5m, 1h)", config_shown(s, v));
        if (ns == 0 && (k->flags & CONFIG_F_NONZERO))
                return refuse(why, "must be greater than 0");
        *p = ns;
        return 0;
}

static int to_bool(const char *v, bool *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        if (parse_bool(v, p) < 0)
                return refuse(why, "invalid boolean \"%s\" (yes/no, true/false, on/off, 1/0)", config_shown(s, v));
        return 0;
}

/* protect / prefer / avoid: each line adds one matcher to the list. */
static int to_matcher(const char *v, struct matcher_list *l, char *why) {
        char msg[256];
        struct matcher m;
        int r = matcher_parse(v, &m, msg, sizeof(msg));
        if (r == -ENOMEM)
                return -ENOMEM;
        if (r < 0) {
                sanitize_copy(why, CONFIG_WHY_MAX, msg);
                return -EINVAL;
        }
        if (matcher_list_add(l, &m) < 0) {
                if (m.has_re)
                        regfree(&m.re);
                free(m.source);
                return -ENOMEM;
        }
        return 0;
}

/* A whole decimal number: digits only. */
static int to_uint(const struct config_key *k, const char *v, unsigned *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        unsigned long long n = 0;
        bool ok = *v != '\0', big = false;
        for (const char *c = v; ok && *c; c++) {
                if (*c < '0' || *c > '9')
                        ok = false;
                else if (!big && (n = n * 10 + (unsigned)(*c - '0')) > UINT_MAX)
                        big = true;
        }
        if (!ok)
                return refuse(why, "invalid number \"%s\" (a whole number, e.g. 10)", config_shown(s, v));
        if (big)
                return refuse(why, "\"%s\" too large", config_shown(s, v));
        if (n == 0 && (k->flags & CONFIG_F_NONZERO))
                return refuse(why, "must be greater than 0");
        *p = (unsigned)n;
        return 0;
}

static int to_size_pct(const struct config_key *k, const char *v, struct size_or_pct *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        int r = parse_size_or_pct(v, p);
        if (r == -ERANGE && v[strlen(v) - 1] == '%')
                return refuse(why, "percentage \"%s\" out of range (0..100%%)", config_shown(s, v));
        if (r == -ERANGE)
                return refuse(why, "size \"%s\" too large", config_shown(s, v));
        if (r < 0)
                return refuse(why, "invalid size or percentage \"%s\" (e.g. 512M, 1.5G, 5%%)", config_shown(s, v));
        if ((k->flags & CONFIG_F_INSIDE_LIMIT) &&
            (p->kind == SIZE_PERCENT ? p->percent <= 0 || p->percent >= 100 : p->bytes == 0)) {
                p->kind = SIZE_UNSET;
                return refuse(why,
                              "\"%s\" must lie inside the limit (a size above 0 "
                              "or a percentage above 0%% and below 100%%)",
                              config_shown(s, v));
        }
        return 0;
}

/* PSI percentages; a trailing '%' is allowed since people write it. */
static int to_percent(const char *v, double *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4], num[CONFIG_SHOWN_MAX + 4];
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
                return refuse(why, "\"%s\" out of range (0..100)", config_shown(s, v));
        if (r < 0)
                return refuse(why, "invalid number \"%s\" (a percentage 0..100)", config_shown(s, v));
        *p = d;
        return 0;
}

static int to_rate(const char *v, double *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        int r = parse_double(v, p);
        if (r == -ERANGE)
                return refuse(why, "\"%s\" too large", config_shown(s, v));
        if (r < 0)
                return refuse(why, "invalid number \"%s\" (events per second, e.g. 100 or 0.5)", config_shown(s, v));
        return 0;
}

static int to_watermark(const char *v, enum watermark_level *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        enum watermark_level w;
        if (watermark_level_from_string(v, &w) < 0 || w == WATERMARK_NONE)
                return refuse(why, "invalid watermark \"%s\" (min, low or high)", config_shown(s, v));
        *p = w;
        return 0;
}

static int to_action(const struct config_key *k, const char *v, enum action_kind *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        enum action_kind a;
        if (action_kind_from_string(v, &a) < 0)
                return refuse(why, "invalid action \"%s\" (warn, kill, kill-cgroup, reclaim, stop)",
                              config_shown(s, v));
        if (a == ACTION_KILL_CGROUP && (k->flags & CONFIG_F_NO_KILL_CGROUP))
                return refuse(why, "kill-cgroup is only valid in [cgroup:NAME]");
        if ((k->flags & CONFIG_F_KILL_OR_WARN) && a != ACTION_KILL && a != ACTION_WARN)
                return refuse(why, "invalid zombie action \"%s\" (kill, warn)", config_shown(s, v));
        *p = a;
        return 0;
}

static int to_path(const struct config_key *k, const char *v, char **p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        if (v[0] != '/')
                return refuse(why, "\"%s\" is not absolute (%s starts with '/')", config_shown(s, v),
                              k->type == CONFIG_EXE ? "an executable's path" : "a cgroup path");
        char *copy = strdup(v);
        if (!copy)
                return -ENOMEM;
        /* "/a/b/" would never fnmatch "/a/b": drop trailing slashes. */
        for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
                copy[n - 1] = '\0';
        *p = copy;
        return 0;
}

static int to_restart_action(const char *v, enum restart_action *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        if (restart_action_from_string(v, p) < 0)
                return refuse(why, "invalid restart action \"%s\" (warn, stop, kill, cap-forks)", config_shown(s, v));
        return 0;
}

/* comm, cmdline: POSIX extended, as the matchers. */
static int to_regex(const char *v, struct regex_value *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4], msg[128];
        int r = regcomp(&p->re, v, REG_EXTENDED | REG_NOSUB);
        if (r != 0) {
                regerror(r, &p->re, msg, sizeof(msg));
                return refuse(why, "invalid regex \"%s\": %s", config_shown(s, v), msg);
        }
        p->source = strdup(v);
        if (!p->source) {
                regfree(&p->re);
                return -ENOMEM;
        }
        return 0;
}

static int to_user(const char *v, struct user_value *p, char *why) {
        char msg[256];
        if (matcher_resolve_user(v, &p->uid, msg, sizeof(msg)) < 0) {
                sanitize_copy(why, CONFIG_WHY_MAX, msg);
                return -EINVAL;
        }
        p->source = strdup(v);
        return p->source ? 0 : -ENOMEM;
}

/* A whole number with an optional sign, -1000..1000. */
static int to_oom_adj(const char *v, int *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
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
                return refuse(why, "invalid number \"%s\" (a whole number, -1000..1000)", config_shown(s, v));
        if (n > OOM_ADJ_MAX)
                return refuse(why, "\"%s\" out of range (-1000..1000)", config_shown(s, v));
        *p = (int)(*v == '-' ? -n : n);
        return 0;
}

static int to_thresholds_mode(const char *v, enum thresholds_mode *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        if (thresholds_mode_from_string(v, p) < 0)
                return refuse(why, "invalid value \"%s\" (any, all)", config_shown(s, v));
        return 0;
}

int config_value_parse(const struct config_key *k, const char *v, void *p, char why[static CONFIG_WHY_MAX]) {
        switch (k->type) {
        case CONFIG_DURATION:
                return to_duration(k, v, p, why);
        case CONFIG_BOOL:
                return to_bool(v, p, why);
        case CONFIG_MATCHERS:
                return to_matcher(v, p, why);
        case CONFIG_UINT:
                return to_uint(k, v, p, why);
        case CONFIG_SIZE_PCT:
                return to_size_pct(k, v, p, why);
        case CONFIG_PERCENT:
                return to_percent(v, p, why);
        case CONFIG_RATE:
                return to_rate(v, p, why);
        case CONFIG_WATERMARK:
                return to_watermark(v, p, why);
        case CONFIG_ACTION:
                return to_action(k, v, p, why);
        case CONFIG_PATH:
        case CONFIG_EXE:
                return to_path(k, v, p, why);
        case CONFIG_RESTART_ACTION:
                return to_restart_action(v, p, why);
        case CONFIG_REGEX:
                return to_regex(v, p, why);
        case CONFIG_USER:
                return to_user(v, p, why);
        case CONFIG_OOM_ADJ:
                return to_oom_adj(v, p, why);
        case CONFIG_THRESHOLDS:
                return to_thresholds_mode(v, p, why);
        }
        return refuse(why, "unknown key type %d", (int)k->type); /* a table bug */
}
