/* The table of config keys: where each may appear, its type, where it is
 * stored, and what its value must satisfy. The loader parses through it
 * and policy_print prints through it, so a new key cannot be forgotten by
 * one of them. Data and lookups only: calls nothing else of ours. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config_keys.h"
#include "policy/policy.h"
#include "util.h"

#define DAEMON(key, type, field, ...) \
        { key, CONFIG_SEC_DAEMON, type, offsetof(struct daemon_settings, field), __VA_ARGS__ }
#define RULE(key, sections, type, field, ...) \
        { key, sections, type, offsetof(struct rule, field), __VA_ARGS__ }
#define SUPERVISOR(key, type, field, flags) \
        { key, CONFIG_SEC_SUPERVISOR, type, offsetof(struct supervisor_rule, field), flags }
#define ADJUST(key, type, field, flags) \
        { key, CONFIG_SEC_ADJUST, type, offsetof(struct adjust_rule, field), flags }
/* Stored in the loader, not in the section's struct (offset unused). */
#define OLD_TERM(key, sections) \
        { key, sections, CONFIG_OLD_TERM, 0, CONFIG_F_SELECTOR | CONFIG_F_DEPRECATED }
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
        DAEMON("hook", CONFIG_PROGRAM, hook, 0),
        DAEMON("hook_timeout", CONFIG_DURATION, hook_timeout_ns, CONFIG_F_NONZERO),
        DAEMON("report_dir", CONFIG_DIR, report_dir, CONFIG_F_EMPTY_OK),
        DAEMON("report_max_files", CONFIG_UINT, report_max_files, CONFIG_F_NONZERO),
        DAEMON("report_max_bytes", CONFIG_SIZE, report_max_bytes, CONFIG_F_NONZERO),
        DAEMON("metrics_file", CONFIG_DIR, metrics_file, CONFIG_F_EMPTY_OK | CONFIG_F_FILE),
        DAEMON("metrics_interval", CONFIG_DURATION, metrics_interval_ns, CONFIG_F_NONZERO),
        DAEMON("metrics_listen", CONFIG_LISTEN, metrics_listen, 0),
        DAEMON("metrics_user", CONFIG_USER, metrics_user, 0),
        RULE("path", CGROUP, CONFIG_PATH, path_glob, 0),
        RULE("mem_available_below", GLOBAL, CONFIG_SIZE_PCT, th.mem_available_below, 0),
        RULE("swap_free_below", GLOBAL, CONFIG_SIZE_PCT, th.swap_free_below, 0),
        RULE("psi_mem_available_below", GLOBAL, CONFIG_SIZE_PCT, th.psi_mem_available_below, 0),
        RULE("usage_above", CGROUP, CONFIG_SIZE_PCT, th.usage_above, 0),
        RULE("headroom_below", CGROUP, CONFIG_SIZE_PCT, th.headroom_below, 0),
        RULE("forecast_below", CGROUP, CONFIG_DURATION, th.forecast_below_ns, CONFIG_F_NONZERO | CONFIG_F_ZERO_UNSET),
        RULE("failcnt_rate_above", CGROUP, CONFIG_RATE, th.failcnt_rate_above, 0),
        RULE("psi_some_avg10_above", GLOBAL | CGROUP, CONFIG_PERCENT, th.psi_some_avg10_above, 0),
        RULE("psi_full_avg10_above", GLOBAL | CGROUP, CONFIG_PERCENT, th.psi_full_avg10_above, 0),
        RULE("watermark_below", GLOBAL, CONFIG_WATERMARK, th.watermark_below, 0),
        RULE("thresholds", GLOBAL | CGROUP, CONFIG_THRESHOLDS, th.mode, 0),
        RULE("for", GLOBAL | CGROUP, CONFIG_DURATION, for_ns, 0),
        /* One entry per section: kill-cgroup needs a cgroup. */
        RULE("action", GLOBAL, CONFIG_ACTION, action, CONFIG_F_NO_KILL_CGROUP),
        RULE("action", CGROUP, CONFIG_ACTION, action, 0),
        RULE("supervisor_first", CGROUP, CONFIG_BOOL, supervisor_first, 0),
        RULE("tripwire", CGROUP, CONFIG_SIZE_PCT, tripwire, CONFIG_F_INSIDE_LIMIT),
        RULE("oom_handler", CGROUP, CONFIG_BOOL, oom_handler, 0),
        RULE("leak_warn_within", GLOBAL | CGROUP, CONFIG_DURATION, leak.warn_within_ns,
             CONFIG_F_NONZERO | CONFIG_F_ZERO_UNSET),
        RULE("leak_window", GLOBAL | CGROUP, CONFIG_DURATION, leak.window_ns, CONFIG_F_TREND_WINDOW),
        RULE("reclaim_first", CGROUP, CONFIG_BOOL, reclaim_first, 0),
        RULE("protect", GLOBAL | CGROUP, CONFIG_MATCHERS, protect, 0),
        RULE("prefer", GLOBAL | CGROUP, CONFIG_MATCHERS, prefer, 0),
        RULE("avoid", GLOBAL | CGROUP, CONFIG_MATCHERS, avoid, 0),
        RULE("warn_failcnt_rate", CGROUP, CONFIG_RATE, alarms.failcnt_rate, CONFIG_F_ANY_IS_ZERO),
        RULE("warn_high_rate", CGROUP, CONFIG_RATE, alarms.high_rate, CONFIG_F_ANY_IS_ZERO),
        RULE("warn_oom_rate", CGROUP, CONFIG_RATE, alarms.oom_rate, CONFIG_F_ANY_IS_ZERO),
        RULE("warn_clear_after", CGROUP, CONFIG_DURATION, alarms.clear_after_ns, CONFIG_F_NONZERO),
        SUPERVISOR("match", CONFIG_MATCHERS, match, 0),
        OLD_TERM("cgroup", CONFIG_SEC_SUPERVISOR), /* now match = ... && cgroup:GLOB */
        SUPERVISOR("max_restarts", CONFIG_UINT, max_restarts, 0),
        SUPERVISOR("window", CONFIG_DURATION, window_ns, CONFIG_F_NONZERO),
        SUPERVISOR("restart_action", CONFIG_RESTART_ACTION, restart_action, 0),
        SUPERVISOR("zombies_above", CONFIG_UINT, zombies_above, 0),
        SUPERVISOR("zombie_action", CONFIG_ACTION, zombie_action, CONFIG_F_KILL_OR_WARN),
        SUPERVISOR("container_init", CONFIG_BOOL, container_init, 0),
        ADJUST("match", CONFIG_MATCHERS, match, CONFIG_F_SELECTOR),
        /* now match = comm:REGEX && cmdline:REGEX && exe:GLOB && ... */
        OLD_TERM("comm", CONFIG_SEC_ADJUST),
        OLD_TERM("cmdline", CONFIG_SEC_ADJUST),
        OLD_TERM("exe", CONFIG_SEC_ADJUST),
        OLD_TERM("cgroup", CONFIG_SEC_ADJUST),
        OLD_TERM("user", CONFIG_SEC_ADJUST),
        ADJUST("oom_score_adj", CONFIG_OOM_ADJ, oom_score_adj, 0),
        ADJUST("enforce", CONFIG_BOOL, enforce, 0),
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

bool config_value_is_set(const struct config_key *k, const void *base) {
        switch (k->type) {
        case CONFIG_MATCHERS:
                return CONFIG_AT(struct matcher_list, base, k)->n > 0;
        case CONFIG_DURATION:
                return !(k->flags & CONFIG_F_ZERO_UNSET) || *CONFIG_AT(uint64_t, base, k) != 0;
        case CONFIG_SIZE_PCT:
                return CONFIG_AT(struct size_or_pct, base, k)->kind != SIZE_UNSET;
        case CONFIG_PERCENT:
        case CONFIG_RATE:
                return *CONFIG_AT(double, base, k) >= 0;
        case CONFIG_WATERMARK:
                return *CONFIG_AT(enum watermark_level, base, k) != WATERMARK_NONE;
        case CONFIG_PATH:
        case CONFIG_PROGRAM:
                return *CONFIG_AT(char *, base, k) != NULL;
        case CONFIG_OLD_TERM:
                return false; /* merged into match lines */
        case CONFIG_OOM_ADJ:
                return *CONFIG_AT(int, base, k) != ADJUST_UNSET;
        case CONFIG_LISTEN:
                return *CONFIG_AT(char, base, k) != '\0';
        default:
                return true; /* bools, numbers, actions always have a value */
        }
}
