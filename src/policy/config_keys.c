/* The table of config keys: where each may appear, its type, where it is
 * stored. The loader parses through it and policy_print prints through
 * it, so a new key cannot be forgotten by one of them. */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config.h"
#include "util.h"

#define DAEMON(key, type, field, ...) \
        { key, CONFIG_SEC_DAEMON, type, offsetof(struct daemon_settings, field), __VA_ARGS__ }
#define RULE(key, sections, type, field, ...) \
        { key, sections, type, offsetof(struct rule, field), __VA_ARGS__ }
#define SUPERVISOR(key, type, field, flags) \
        { key, CONFIG_SEC_SUPERVISOR, type, offsetof(struct supervisor_rule, field), flags }
#define ADJUST(key, type, field) \
        { key, CONFIG_SEC_ADJUST, type, offsetof(struct adjust_rule, field), 0 }
#define GLOBAL CONFIG_SEC_GLOBAL
#define CGROUP CONFIG_SEC_CGROUP

const struct config_key config_keys[] = {
        DAEMON("interval", CONFIG_DURATION, interval_ns, CONFIG_F_NONZERO),
        DAEMON("rescan_interval", CONFIG_DURATION, rescan_interval_ns, CONFIG_F_NONZERO),
        DAEMON("dry_run", CONFIG_BOOL, dry_run, 0),
        DAEMON("kill_grace", CONFIG_DURATION, kill_grace_ns, 0),
        DAEMON("kill_timeout", CONFIG_DURATION, kill_timeout_ns, CONFIG_F_NONZERO),
        DAEMON("post_kill_delay", CONFIG_DURATION, post_kill_delay_ns, 0),
        DAEMON("max_kills_per_minute", CONFIG_UINT, max_kills_per_minute, CONFIG_F_NONZERO),
        DAEMON("protect", CONFIG_MATCHERS, protect, 0),
        DAEMON("prefer", CONFIG_MATCHERS, prefer, 0),
        DAEMON("avoid", CONFIG_MATCHERS, avoid, 0),
        RULE("path", CGROUP, CONFIG_PATH, path_glob, 0),
        RULE("mem_available_below", GLOBAL, CONFIG_SIZE_PCT, th.mem_available_below, 0),
        RULE("swap_free_below", GLOBAL, CONFIG_SIZE_PCT, th.swap_free_below, 0),
        RULE("usage_above", CGROUP, CONFIG_SIZE_PCT, th.usage_above, 0),
        RULE("headroom_below", CGROUP, CONFIG_SIZE_PCT, th.headroom_below, 0),
        RULE("forecast_below", CGROUP, CONFIG_DURATION, th.forecast_below_ns,
             CONFIG_F_NONZERO | CONFIG_F_ZERO_UNSET),
        RULE("failcnt_rate_above", CGROUP, CONFIG_RATE, th.failcnt_rate_above, 0),
        RULE("psi_some_avg10_above", GLOBAL | CGROUP, CONFIG_PERCENT, th.psi_some_avg10_above, 0),
        RULE("psi_full_avg10_above", GLOBAL | CGROUP, CONFIG_PERCENT, th.psi_full_avg10_above, 0),
        RULE("watermark_below", GLOBAL, CONFIG_WATERMARK, th.watermark_below, 0),
        RULE("for", GLOBAL | CGROUP, CONFIG_DURATION, for_ns, 0),
        RULE("action", GLOBAL | CGROUP, CONFIG_ACTION, action, 0),
        RULE("supervisor_first", CGROUP, CONFIG_BOOL, supervisor_first, 0),
        RULE("tripwire", CGROUP, CONFIG_SIZE_PCT, tripwire, CONFIG_F_INSIDE_LIMIT),
        RULE("oom_handler", CGROUP, CONFIG_BOOL, oom_handler, 0),
        RULE("protect", GLOBAL | CGROUP, CONFIG_MATCHERS, protect, 0),
        RULE("prefer", GLOBAL | CGROUP, CONFIG_MATCHERS, prefer, 0),
        RULE("avoid", GLOBAL | CGROUP, CONFIG_MATCHERS, avoid, 0),
        SUPERVISOR("match", CONFIG_MATCHERS, match, 0),
        SUPERVISOR("cgroup", CONFIG_PATH, cgroup_glob, 0),
        SUPERVISOR("max_restarts", CONFIG_UINT, max_restarts, 0),
        SUPERVISOR("window", CONFIG_DURATION, window_ns, CONFIG_F_NONZERO),
        SUPERVISOR("restart_action", CONFIG_RESTART_ACTION, restart_action, 0),
        SUPERVISOR("zombies_above", CONFIG_UINT, zombies_above, 0),
        SUPERVISOR("zombie_action", CONFIG_ACTION, zombie_action, 0),
        SUPERVISOR("container_init", CONFIG_BOOL, container_init, 0),
        ADJUST("comm", CONFIG_REGEX, comm),
        ADJUST("cmdline", CONFIG_REGEX, cmdline),
        ADJUST("exe", CONFIG_EXE, exe),
        ADJUST("cgroup", CONFIG_PATH, cgroup),
        ADJUST("user", CONFIG_USER, user),
        ADJUST("oom_score_adj", CONFIG_OOM_ADJ, oom_score_adj),
        ADJUST("enforce", CONFIG_BOOL, enforce),
};
const size_t config_n_keys = ELEMENTSOF(config_keys);

const struct config_key *config_key_find(const char *name, unsigned sections) {
        for (size_t i = 0; i < config_n_keys; i++)
                if ((config_keys[i].sections & sections) && strcmp(config_keys[i].name, name) == 0)
                        return &config_keys[i];
        return NULL;
}

unsigned config_key_sections(const char *name) {
        unsigned sections = 0;
        for (size_t i = 0; i < config_n_keys; i++)
                if (strcmp(config_keys[i].name, name) == 0)
                        sections |= config_keys[i].sections;
        return sections;
}

const char *config_sections_string(unsigned sections) {
        switch (sections) {
        case CONFIG_SEC_DAEMON:
                return "[daemon]";
        case CONFIG_SEC_GLOBAL:
                return "[global]";
        case CONFIG_SEC_CGROUP:
                return "[cgroup:NAME]";
        case CONFIG_SEC_GLOBAL | CONFIG_SEC_CGROUP:
                return "[global] and [cgroup:NAME]";
        case CONFIG_SEC_SUPERVISOR:
                return "[supervisor:NAME]";
        case CONFIG_SEC_DAEMON | CONFIG_SEC_GLOBAL | CONFIG_SEC_CGROUP:
                return "[daemon], [global] and [cgroup:NAME]";
        case CONFIG_SEC_ADJUST:
                return "[adjust:NAME]";
        default:
                return "another section";
        }
}

#define AT(type, base, k) ((const type *)((const char *)(base) + (k)->offset))

bool config_value_is_set(const struct config_key *k, const void *base) {
        switch (k->type) {
        case CONFIG_MATCHERS:
                return AT(struct matcher_list, base, k)->n > 0;
        case CONFIG_DURATION:
                return !(k->flags & CONFIG_F_ZERO_UNSET) || *AT(uint64_t, base, k) != 0;
        case CONFIG_SIZE_PCT:
                return AT(struct size_or_pct, base, k)->kind != SIZE_UNSET;
        case CONFIG_PERCENT:
        case CONFIG_RATE:
                return *AT(double, base, k) >= 0;
        case CONFIG_WATERMARK:
                return *AT(enum watermark_level, base, k) != WATERMARK_NONE;
        case CONFIG_PATH:
        case CONFIG_EXE:
                return *AT(char *, base, k) != NULL;
        case CONFIG_REGEX:
                return AT(struct regex_value, base, k)->source != NULL;
        case CONFIG_USER:
                return AT(struct user_value, base, k)->source != NULL;
        case CONFIG_OOM_ADJ:
                return *AT(int, base, k) != ADJUST_UNSET;
        default:
                return true; /* bools, numbers, actions always have a value */
        }
}

/* The fewest fixed decimals that read back as the same double (%g could
 * print an exponent, which parse_double rejects). */
static void print_double(FILE *out, double v) {
        char buf[400]; /* DBL_MAX has 309 integer digits */
        for (int dec = 0; dec <= 20; dec++) {
                snprintf(buf, sizeof(buf), "%.*f", dec, v);
                if (strtod(buf, NULL) == v)
                        break;
        }
        fputs(buf, out);
}

/* Bytes with the largest binary suffix that keeps them exact. */
static void print_size(FILE *out, uint64_t bytes) {
        static const char units[] = "KMGT";
        int u = -1;
        while (u + 1 < 4 && bytes != 0 && bytes % (UINT64_C(1) << (10 * (u + 2))) == 0)
                u++;
        if (u < 0)
                fprintf(out, "%" PRIu64, bytes);
        else
                fprintf(out, "%" PRIu64 "%c", bytes >> (10 * (u + 1)), units[u]);
}

/* Nanoseconds with the largest unit that keeps them exact. */
static void print_duration(FILE *out, uint64_t ns) {
        static const struct {
                const char *suffix;
                uint64_t ns;
        } units[] = {
                { "h", 3600 * NSEC_PER_SEC }, { "m", 60 * NSEC_PER_SEC },
                { "s", NSEC_PER_SEC },        { "ms", NSEC_PER_MSEC },
                { "us", 1000 },
        };
        if (ns == 0) {
                fputs("0", out);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (ns % units[i].ns == 0) {
                        fprintf(out, "%" PRIu64 "%s", ns / units[i].ns, units[i].suffix);
                        return;
                }
        fprintf(out, "%" PRIu64 "ns", ns);
}

static void print_size_or_pct(FILE *out, const struct size_or_pct *v) {
        if (v->kind == SIZE_PERCENT) {
                print_double(out, v->percent);
                fputc('%', out);
        } else {
                print_size(out, v->bytes);
        }
}

static void print_value(const struct config_key *k, const void *base, FILE *out) {
        switch (k->type) {
        case CONFIG_DURATION:
                print_duration(out, *AT(uint64_t, base, k));
                break;
        case CONFIG_BOOL:
                fputs(*AT(bool, base, k) ? "yes" : "no", out);
                break;
        case CONFIG_UINT:
                fprintf(out, "%u", *AT(unsigned, base, k));
                break;
        case CONFIG_MATCHERS: /* one line each: config_key_print */
                break;
        case CONFIG_SIZE_PCT:
                print_size_or_pct(out, AT(struct size_or_pct, base, k));
                break;
        case CONFIG_PERCENT:
        case CONFIG_RATE:
                print_double(out, *AT(double, base, k));
                break;
        case CONFIG_WATERMARK:
                fputs(watermark_level_to_string(*AT(enum watermark_level, base, k)), out);
                break;
        case CONFIG_ACTION:
                fputs(action_kind_to_string(*AT(enum action_kind, base, k)), out);
                break;
        case CONFIG_RESTART_ACTION:
                fputs(restart_action_to_string(*AT(enum restart_action, base, k)), out);
                break;
        case CONFIG_PATH:
        case CONFIG_EXE:
                fputs(*AT(char *, base, k), out);
                break;
        case CONFIG_REGEX:
                fputs(AT(struct regex_value, base, k)->source, out);
                break;
        case CONFIG_USER:
                fputs(AT(struct user_value, base, k)->source, out);
                break;
        case CONFIG_OOM_ADJ:
                fprintf(out, "%d", *AT(int, base, k));
                break;
        }
}

void config_key_print(const struct config_key *k, const void *base, FILE *out) {
        if (!config_value_is_set(k, base)) {
                fprintf(out, "# %s = (unset)\n", k->name);
        } else if (k->type == CONFIG_MATCHERS) {
                const struct matcher_list *l = AT(struct matcher_list, base, k);
                for (size_t i = 0; i < l->n; i++)
                        fprintf(out, "%s = %s\n", k->name, l->items[i].source);
        } else {
                fprintf(out, "%s = ", k->name);
                print_value(k, base, out);
                fputc('\n', out);
        }
}
