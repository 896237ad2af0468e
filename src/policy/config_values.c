/* One config value from its text, by the type and flags of its key in the
 * table: durations, sizes and percentages, numbers, booleans, actions,
 * paths, matchers. Pure but for a program's path (config_program.c
 * looks at the file): knows nothing of files, lines or sections; a
 * refused value gets the reason a person can act on, and the caller puts
 * "file:line: key: " in front; so does an accepted value in a deprecated
 * spelling get its warning. Allocates what the value owns (a copied
 * path, a compiled regex). */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "policy_internal.h"

static int to_duration(const struct config_key *k, const char *v, uint64_t *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        uint64_t ns;
        int r = parse_duration(v, &ns);
        if (r == -ERANGE)
                return config_refuse(why, "duration \"%s\" too large", config_shown(s, v));
        if (r < 0)
                return config_refuse(why, "invalid duration \"%s\" (e.g. 500us, 100ms, 2s, 1.5m, 1h)",
                                     config_shown(s, v));
        if (ns == 0 && (k->flags & CONFIG_F_NONZERO))
                return config_refuse(why, "must be greater than 0");
        /* 64 buckets: below 10 s a bucket is shorter than a tick's spacing */
        if ((k->flags & CONFIG_F_TREND_WINDOW) &&
            (ns < CONFIG_TREND_WINDOW_MIN_S * NSEC_PER_SEC || ns > CONFIG_TREND_WINDOW_MAX_S * NSEC_PER_SEC))
                return config_refuse(why, "\"%s\" out of range (a trend's window: 10s to 30d)", config_shown(s, v));
        *p = ns;
        return 0;
}

static int to_bool(const char *v, bool *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        if (parse_bool(v, p) < 0)
                return config_refuse(why, "invalid boolean \"%s\" (yes/no, true/false, on/off, 1/0)",
                                     config_shown(s, v));
        return 0;
}

/* protect, prefer, avoid, match: each line adds one matcher to the list.
 * 1: accepted, a deprecated spelling (the warning in why). */
static int to_matcher(const char *v, struct matcher_list *l, char *why) {
        char msg[CONFIG_WHY_MAX];
        struct matcher m;
        int r = matcher_parse(v, &m, msg, sizeof(msg));
        if (r == -ENOMEM)
                return -ENOMEM;
        if (r != 0)
                sanitize_copy(why, CONFIG_WHY_MAX, msg);
        if (r < 0)
                return -EINVAL;
        if (matcher_list_add(l, &m) < 0) {
                matcher_free(&m);
                return -ENOMEM;
        }
        return r;
}

/* [adjust:] comm, cmdline, exe, cgroup, user and [supervisor:] cgroup:
 * one term of the field the key is named after, its value taken whole. */
static int to_old_term(const struct config_key *k, const char *v, struct matcher *m, char *why) {
        char msg[CONFIG_WHY_MAX];
        enum match_field field;
        if (match_field_from_string(k->name, &field) < 0)
                return config_refuse(why, "no field \"%s\"", k->name); /* a table bug */
        int r = matcher_add_term(m, field, v, msg, sizeof(msg));
        if (r == -EINVAL)
                sanitize_copy(why, CONFIG_WHY_MAX, msg);
        return r;
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
                return config_refuse(why, "invalid number \"%s\" (a whole number, e.g. 10)", config_shown(s, v));
        if (big)
                return config_refuse(why, "\"%s\" too large", config_shown(s, v));
        if (n == 0 && (k->flags & CONFIG_F_NONZERO))
                return config_refuse(why, "must be greater than 0");
        *p = (unsigned)n;
        return 0;
}

static int to_size_pct(const struct config_key *k, const char *v, struct size_or_pct *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        int r = parse_size_or_pct(v, p);
        if (r == -ERANGE && v[strlen(v) - 1] == '%')
                return config_refuse(why, "percentage \"%s\" out of range (0..100%%)", config_shown(s, v));
        if (r == -ERANGE)
                return config_refuse(why, "size \"%s\" too large", config_shown(s, v));
        if (r < 0)
                return config_refuse(why, "invalid size or percentage \"%s\" (e.g. 512M, 1.5G, 5%%)",
                                     config_shown(s, v));
        if ((k->flags & CONFIG_F_INSIDE_LIMIT) &&
            (p->kind == SIZE_PERCENT ? p->percent <= 0 || p->percent >= 100 : p->bytes == 0)) {
                p->kind = SIZE_UNSET;
                return config_refuse(why,
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
                return config_refuse(why, "\"%s\" out of range (0..100)", config_shown(s, v));
        if (r < 0)
                return config_refuse(why, "invalid number \"%s\" (a percentage 0..100)", config_shown(s, v));
        *p = d;
        return 0;
}

static int to_rate(const struct config_key *k, const char *v, double *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4], num[64];
        const char *given = v;
        if ((k->flags & CONFIG_F_ANY_IS_ZERO) && strcmp(v, "any") == 0) {
                *p = 0;
                return 0;
        }
        /* "10/s" says its unit; a bare number is per second as well. */
        size_t n = strlen(v);
        if (n > 2 && n < sizeof(num) && strcmp(v + n - 2, "/s") == 0) {
                memcpy(num, v, n - 2);
                num[n - 2] = '\0';
                v = num;
        }
        int r = parse_double(v, p);
        if (r == -ERANGE)
                return config_refuse(why, "\"%s\" too large", config_shown(s, given));
        if (r < 0 && (k->flags & CONFIG_F_ANY_IS_ZERO))
                return config_refuse(why, "invalid rate \"%s\" (events per second: 100, 0.5, 10/s, or any)",
                                     config_shown(s, given));
        if (r < 0)
                return config_refuse(why, "invalid number \"%s\" (events per second, e.g. 100 or 0.5)",
                                     config_shown(s, given));
        return 0;
}

static int to_watermark(const char *v, enum watermark_level *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        enum watermark_level w;
        if (watermark_level_from_string(v, &w) < 0 || w == WATERMARK_NONE)
                return config_refuse(why, "invalid watermark \"%s\" (min, low or high)", config_shown(s, v));
        *p = w;
        return 0;
}

static int to_action(const struct config_key *k, const char *v, enum action_kind *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        enum action_kind a;
        if (action_kind_from_string(v, &a) < 0)
                return config_refuse(why, "invalid action \"%s\" (warn, kill, kill-cgroup, reclaim, stop)",
                                     config_shown(s, v));
        if (a == ACTION_KILL_CGROUP && (k->flags & CONFIG_F_NO_KILL_CGROUP))
                return config_refuse(why, "kill-cgroup is only valid in [cgroup:NAME]");
        if ((k->flags & CONFIG_F_KILL_OR_WARN) && a != ACTION_KILL && a != ACTION_WARN)
                return config_refuse(why, "invalid zombie action \"%s\" (kill, warn)", config_shown(s, v));
        *p = a;
        return 0;
}

static int to_path(const char *v, char **p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        if (v[0] != '/')
                return config_refuse(why, "\"%s\" is not absolute (a cgroup path starts with '/')", config_shown(s, v));
        if (path_has_dot_component(v))
                return config_refuse(why, "\"%s\" has a \".\" or \"..\" component (name the cgroup itself)",
                                     config_shown(s, v));
        char *copy = strdup(v);
        if (!copy)
                return -ENOMEM;
        /* "/a/b/" would never fnmatch "/a/b": drop trailing slashes. */
        for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
                copy[n - 1] = '\0';
        *p = copy;
        return 0;
}

/* A program to run (hook): checked on disk, strictly when oomguard runs as
 * root or with capabilities, which the hook inherits when they are
 * ambient (config_program.c). */
static int to_program(const char *v, char **p, char *why) {
        int r = config_program_check(v, privileged(), why);
        if (r < 0)
                return r;
        char *copy = strdup(v);
        if (!copy)
                return -ENOMEM;
        *p = copy;
        return 0;
}

/* A directory oomguard writes in (or a file: CONFIG_F_FILE): absolute,
 * trailing slashes dropped; "" when the key allows it (off). */
static int to_dir(const struct config_key *k, const char *v, char *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        size_t n = strlen(v);
        bool file = k->flags & CONFIG_F_FILE;
        if (n && v[0] != '/')
                return config_refuse(why, "\"%s\" is not absolute (a %s starts with '/')", config_shown(s, v),
                                     file ? "file's path" : "directory");
        if (n && file && v[n - 1] == '/')
                return config_refuse(why, "\"%s\" is a directory (a file's path does not end in '/')",
                                     config_shown(s, v));
        if (n >= REPORT_DIR_MAX)
                return config_refuse(why, "path too long (at most %d bytes)", REPORT_DIR_MAX - 1);
        for (; n > 1 && v[n - 1] == '/'; n--)
                ;
        memcpy(p, v, n);
        p[n] = '\0';
        return 0;
}

static int to_size(const struct config_key *k, const char *v, uint64_t *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        int r = parse_size(v, p);
        if (r == -ERANGE)
                return config_refuse(why, "size \"%s\" too large", config_shown(s, v));
        if (r < 0)
                return config_refuse(why, "invalid size \"%s\" (e.g. 64M, 1.5G, 4096)", config_shown(s, v));
        if (*p == 0 && (k->flags & CONFIG_F_NONZERO))
                return config_refuse(why, "must be greater than 0");
        return 0;
}

/* metrics_listen: numeric, so that nothing is looked up; kept as text
 * for the HTTP process, which parses it again to bind. */
static int to_listen(const char *v, char *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        struct listen_addr a;
        int r = strlen(v) < METRICS_LISTEN_MAX ? parse_listen_addr(v, &a) : -EINVAL;
        if (r == -ERANGE)
                return config_refuse(why, "port of \"%s\" out of range (1..65535)", config_shown(s, v));
        if (r < 0)
                return config_refuse(why,
                                     "invalid address \"%s\" (ADDR:PORT, numeric: 127.0.0.1:9101, "
                                     "0.0.0.0:9101, [::1]:9101)",
                                     config_shown(s, v));
        memcpy(p, v, strlen(v) + 1);
        return 0;
}

/* metrics_user: looked up now, so that a typo is a load error and not a
 * server that never starts; root is refused (it would serve as root). */
static int to_user(const char *v, char *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        if (strlen(v) >= METRICS_USER_MAX)
                return config_refuse(why, "user name too long (at most %d bytes)", METRICS_USER_MAX - 1);
        const struct passwd *pw = getpwnam(v);
        if (!pw)
                return config_refuse(why, "no user \"%s\" on this machine", config_shown(s, v));
        if (pw->pw_uid == 0 || pw->pw_gid == 0)
                return config_refuse(why, "\"%s\" is root (uid or gid 0): the HTTP process never serves as root",
                                     config_shown(s, v));
        memcpy(p, v, strlen(v) + 1);
        return 0;
}

static int to_restart_action(const char *v, enum restart_action *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        if (restart_action_from_string(v, p) < 0)
                return config_refuse(why, "invalid restart action \"%s\" (warn, stop, kill, cap-forks)",
                                     config_shown(s, v));
        return 0;
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
                return config_refuse(why, "invalid number \"%s\" (a whole number, -1000..1000)", config_shown(s, v));
        if (n > OOM_ADJ_MAX)
                return config_refuse(why, "\"%s\" out of range (-1000..1000)", config_shown(s, v));
        *p = (int)(*v == '-' ? -n : n);
        return 0;
}

static int to_thresholds_mode(const char *v, enum thresholds_mode *p, char *why) {
        char s[CONFIG_SHOWN_MAX + 4];
        if (thresholds_mode_from_string(v, p) < 0)
                return config_refuse(why, "invalid value \"%s\" (any, all)", config_shown(s, v));
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
        case CONFIG_OLD_TERM:
                return to_old_term(k, v, p, why);
        case CONFIG_UINT:
                return to_uint(k, v, p, why);
        case CONFIG_SIZE_PCT:
                return to_size_pct(k, v, p, why);
        case CONFIG_PERCENT:
                return to_percent(v, p, why);
        case CONFIG_RATE:
                return to_rate(k, v, p, why);
        case CONFIG_WATERMARK:
                return to_watermark(v, p, why);
        case CONFIG_ACTION:
                return to_action(k, v, p, why);
        case CONFIG_PATH:
                return to_path(v, p, why);
        case CONFIG_RESTART_ACTION:
                return to_restart_action(v, p, why);
        case CONFIG_OOM_ADJ:
                return to_oom_adj(v, p, why);
        case CONFIG_THRESHOLDS:
                return to_thresholds_mode(v, p, why);
        case CONFIG_PROGRAM:
                return to_program(v, p, why);
        case CONFIG_DIR:
                return to_dir(k, v, p, why);
        case CONFIG_SIZE:
                return to_size(k, v, p, why);
        case CONFIG_LISTEN:
                return to_listen(v, p, why);
        case CONFIG_USER:
                return to_user(v, p, why);
        }
        return config_refuse(why, "unknown key type %d", (int)k->type); /* a table bug */
}
