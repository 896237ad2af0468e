/* The policy as plain data: defaults, making and freeing rules, the
 * names of actions. Printing is policy_print.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "policy_internal.h"
#include "util.h"

static const char *const action_names[_ACTION_MAX] = {
        [ACTION_WARN] = "warn",       [ACTION_KILL] = "kill", [ACTION_KILL_CGROUP] = "kill-cgroup",
        [ACTION_RECLAIM] = "reclaim", [ACTION_STOP] = "stop",
};

const char *action_kind_to_string(enum action_kind a) {
        if ((unsigned)a >= _ACTION_MAX)
                return "unknown";
        return action_names[a];
}

int action_kind_from_string(const char *s, enum action_kind *ret) {
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < _ACTION_MAX; i++)
                if (strcmp(s, action_names[i]) == 0) {
                        *ret = (enum action_kind)i;
                        return 0;
                }
        return -EINVAL;
}

static const char *const thresholds_modes[] = { [THRESHOLDS_ANY] = "any", [THRESHOLDS_ALL] = "all" };

const char *thresholds_mode_to_string(enum thresholds_mode m) {
        return (unsigned)m < ELEMENTSOF(thresholds_modes) ? thresholds_modes[m] : "?";
}

int thresholds_mode_from_string(const char *s, enum thresholds_mode *ret) {
        for (size_t i = 0; i < ELEMENTSOF(thresholds_modes); i++)
                if (strcmp(s, thresholds_modes[i]) == 0) {
                        *ret = (enum thresholds_mode)i;
                        return 0;
                }
        return -EINVAL;
}

static struct thresholds thresholds_unset(void) {
        return (struct thresholds){
                .failcnt_rate_above = -1,
                .psi_some_avg10_above = -1,
                .psi_full_avg10_above = -1,
                .watermark_below = WATERMARK_NONE,
        };
}

void policy_init_defaults(struct policy *p) {
        *p = (struct policy){
                .daemon = {
                        .interval_ns = 100 * NSEC_PER_MSEC,
                        .rescan_interval_ns = 10 * NSEC_PER_SEC,
                        .dry_run = false,
                        .kill_grace_ns = 0,
                        .post_kill_delay_ns = NSEC_PER_SEC,
                        .max_kills_per_minute = 10,
                        .kill_timeout_ns = 2 * NSEC_PER_SEC,
                        .hook_timeout_ns = 10 * NSEC_PER_SEC,
                        .report_dir = REPORT_DIR_DEFAULT,
                        .report_max_files = 1000,
                        .report_max_bytes = UINT64_C(64) << 20,
                        .metrics_file = METRICS_FILE_DEFAULT,
                        .metrics_interval_ns = 10 * NSEC_PER_SEC,
                        .metrics_user = "nobody",
                },
        };
        /* Not a rule until the loader sees [global], but keep it sane. */
        p->global.scope = RULE_GLOBAL;
        p->global.action = ACTION_KILL;
        p->global.th = thresholds_unset();
        p->global.leak.window_ns = LEAK_WINDOW_DEFAULT_NS;
}

int rule_init(struct rule *r, enum rule_scope scope, const char *name) {
        char *n = strdup(name ? name : "");
        if (!n)
                return -ENOMEM;
        *r = (struct rule){
                .name = n,
                .scope = scope,
                .th = thresholds_unset(),
                .action = ACTION_KILL,
                .alarms = alarm_rule_unset(),
                .leak = { .window_ns = LEAK_WINDOW_DEFAULT_NS },
        };
        if (scope == RULE_GLOBAL) /* see oomguard.conf(5), psi_mem_available_below */
                r->th.psi_mem_available_below = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = 20 };
        return 0;
}

void rule_free(struct rule *r) {
        free(r->name);
        free(r->path_glob);
        r->name = r->path_glob = NULL;
        matcher_list_free(&r->prefer);
        matcher_list_free(&r->avoid);
        matcher_list_free(&r->protect);
}

void daemon_settings_free(struct daemon_settings *d) {
        matcher_list_free(&d->protect);
        matcher_list_free(&d->prefer);
        matcher_list_free(&d->avoid);
        free(d->hook);
        d->hook = NULL;
}

static const char *const restart_actions[] = {
        [RESTART_WARN] = "warn",
        [RESTART_STOP] = "stop",
        [RESTART_KILL] = "kill",
        [RESTART_CAP_FORKS] = "cap-forks",
};

const char *restart_action_to_string(enum restart_action a) {
        return (unsigned)a < ELEMENTSOF(restart_actions) ? restart_actions[a] : "?";
}

int restart_action_from_string(const char *s, enum restart_action *ret) {
        for (size_t i = 0; i < ELEMENTSOF(restart_actions); i++)
                if (strcmp(s, restart_actions[i]) == 0) {
                        *ret = (enum restart_action)i;
                        return 0;
                }
        return -EINVAL;
}

int supervisor_rule_init(struct supervisor_rule *r, const char *name) {
        *r = (struct supervisor_rule){
                .max_restarts = 5,
                .window_ns = 60 * NSEC_PER_SEC,
                .restart_action = RESTART_WARN,
                .zombie_action = ACTION_WARN,
        };
        r->name = strdup(name);
        return r->name ? 0 : -ENOMEM;
}

void supervisor_rule_free(struct supervisor_rule *r) {
        free(r->name);
        matcher_list_free(&r->match);
        *r = (struct supervisor_rule){ 0 };
}

static void adjust_rules_free(struct adjust_rule *rules, size_t n) {
        for (size_t i = 0; i < n; i++)
                adjust_rule_free(&rules[i]);
        free(rules);
}

void policy_free(struct policy *p) {
        for (size_t i = 0; i < p->n_supervisors; i++)
                supervisor_rule_free(&p->supervisors[i]);
        free(p->supervisors);
        free(p->source_file);
        daemon_settings_free(&p->daemon);
        if (p->has_global)
                rule_free(&p->global);
        for (size_t i = 0; i < p->n_cgroups; i++)
                rule_free(&p->cgroups[i]);
        free(p->cgroups);
        adjust_rules_free(p->adjust, p->n_adjust);
        policy_init_defaults(p);
}

bool thresholds_any_set(const struct thresholds *th) {
        return th->usage_above.kind != SIZE_UNSET || th->mem_available_below.kind != SIZE_UNSET ||
               th->swap_free_below.kind != SIZE_UNSET || th->failcnt_rate_above >= 0 || th->psi_some_avg10_above >= 0 ||
               th->psi_full_avg10_above >= 0 || th->watermark_below != WATERMARK_NONE ||
               th->headroom_below.kind != SIZE_UNSET || th->forecast_below_ns != 0;
}
