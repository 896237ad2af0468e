/* Internal to src/policy/: making and freeing the parts of a policy, and
 * the names the loader parses. Only the loader (config_*.c) builds a
 * policy; other stages read a loaded one and free it (policy/policy.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/adjust_rule.h"
#include "policy/matcher.h"
#include "policy/policy.h"

/* policy.c */
void policy_init_defaults(struct policy *p);
/* A rule with every threshold unset, action kill, no path; name is
 * copied (-ENOMEM). rule_free frees what rule_init/the loader set. */
int rule_init(struct rule *r, enum rule_scope scope, const char *name);
void rule_free(struct rule *r);
/* Frees the matcher lists and the hook path of d. */
void daemon_settings_free(struct daemon_settings *d);
/* True when at least one threshold of th is set. */
bool thresholds_any_set(const struct thresholds *th);
int restart_action_from_string(const char *s, enum restart_action *ret);
int thresholds_mode_from_string(const char *s, enum thresholds_mode *ret);
/* Defaults: max_restarts 5 in a 60 s window, warn; zombies not watched. */
int supervisor_rule_init(struct supervisor_rule *r, const char *name);
void supervisor_rule_free(struct supervisor_rule *r);

/* adjust_rule.c: a rule with no selector and oom_score_adj unset; name
 * is copied. */
int adjust_rule_init(struct adjust_rule *r, const char *name);
void adjust_rule_free(struct adjust_rule *r);
/* Whether at least one selector is given. */
bool adjust_rule_has_selector(const struct adjust_rule *r);

/* regex_cost.c: an upper bound of the atoms glibc's regcomp makes of the
 * extended regex re (each repetition copies what it repeats); above
 * REGEX_COST_MAX (then REGEX_COST_MAX + 1) the matcher refuses it. */
#define REGEX_COST_MAX 10000
uint64_t regex_cost(const char *re);

/* matcher.c: a user name or uid to a uid (NSS lookup: at load time
 * only). On error returns -EINVAL with a reason in err. */
int matcher_resolve_user(const char *name, uid_t *ret, char *err, size_t errsize);
