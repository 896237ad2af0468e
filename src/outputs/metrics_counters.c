/* The metrics' counters: fixed-size tables of label values, updated from
 * the tick (an action, a warning, a kernel kill, the tick's duration)
 * with no allocation. At a table's bound the least recently counted
 * entry (of a rule: only one no longer in the policy) is folded into
 * "(other)", so that every sum stays monotonic and the file bounded. */
#include <stdio.h>
#include <string.h>

#include "outputs/metrics.h"

const double metrics_tick_bounds[METRICS_TICK_BUCKETS] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                           0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5 };

const char *metrics_outcome_to_string(enum metrics_outcome o) {
        static const char *const names[_METRICS_OUTCOME_MAX] = {
                [METRICS_DONE] = "done",     [METRICS_PENDING] = "pending", [METRICS_NO_VICTIM] = "no-victim",
                [METRICS_FAILED] = "failed", [METRICS_DRY_RUN] = "dry-run", [METRICS_RECLAIMED] = "reclaimed",
        };
        return (unsigned)o < _METRICS_OUTCOME_MAX ? names[o] : "unknown";
}

void metrics_counters_init(struct metrics_counters *c) { memset(c, 0, sizeof(*c)); }

#define OTHER_RULE (METRICS_RULES_MAX - 1)
#define OTHER_KERNEL (METRICS_KERNEL_CGROUPS_MAX - 1)

static void fold_rule(struct metrics_rule *into, const struct metrics_rule *r) {
        for (size_t a = 0; a < METRICS_ACTIONS_MAX; a++)
                for (size_t o = 0; o < _METRICS_OUTCOME_MAX; o++)
                        into->actions[a][o] += r->actions[a][o];
        for (size_t k = 0; k < _WARNING_KIND_MAX; k++)
                into->warnings[k] += r->warnings[k];
}

static struct metrics_rule *other_rule(struct metrics_counters *c) {
        struct metrics_rule *o = &c->rules[OTHER_RULE];
        if (!o->name[0]) {
                snprintf(o->name, sizeof(o->name), "%s", METRICS_OTHER);
                o->action = -1;
        }
        return o;
}

/* A free slot: a new one, or the least recent rule gone from the policy,
 * its counts folded into "(other)". NULL when every slot is in use. */
static struct metrics_rule *free_rule(struct metrics_counters *c) {
        if (c->n_rules < OTHER_RULE)
                return &c->rules[c->n_rules++];
        struct metrics_rule *lru = NULL;
        for (size_t i = 0; i < c->n_rules; i++)
                if (c->rules[i].action < 0 && (!lru || c->rules[i].last_use < lru->last_use))
                        lru = &c->rules[i];
        if (lru)
                fold_rule(other_rule(c), lru);
        return lru;
}

static struct metrics_rule *rule_of(struct metrics_counters *c, const char *name) {
        char cut[METRICS_NAME_MAX];
        snprintf(cut, sizeof(cut), "%s", name ? name : "");
        if (strcmp(cut, METRICS_OTHER) == 0) /* a rule of that name would repeat its series */
                return other_rule(c);
        for (size_t i = 0; i < c->n_rules; i++)
                if (strcmp(c->rules[i].name, cut) == 0)
                        return &c->rules[i];
        struct metrics_rule *r = free_rule(c);
        if (!r)
                return other_rule(c);
        memset(r, 0, sizeof(*r));
        snprintf(r->name, sizeof(r->name), "%s", cut);
        r->action = -1;
        return r;
}

void metrics_rules_begin(struct metrics_counters *c) {
        for (size_t i = 0; i < c->n_rules; i++)
                c->rules[i].action = -1;
}

void metrics_rule_declare(struct metrics_counters *c, const char *rule, int action) {
        struct metrics_rule *r = rule_of(c, rule);
        r->last_use = ++c->seq;
        if (r != &c->rules[OTHER_RULE])
                r->action = action >= 0 && action < METRICS_ACTIONS_MAX ? action : -1;
}

void metrics_count_action(struct metrics_counters *c, const char *rule, int action, enum metrics_outcome o) {
        if (action < 0 || action >= METRICS_ACTIONS_MAX || (unsigned)o >= _METRICS_OUTCOME_MAX)
                return;
        struct metrics_rule *r = rule_of(c, rule);
        r->last_use = ++c->seq;
        r->actions[action][o]++;
}

void metrics_count_warning(struct metrics_counters *c, const char *rule, enum warning_kind k) {
        if ((unsigned)k >= _WARNING_KIND_MAX)
                return;
        struct metrics_rule *r = rule_of(c, rule);
        r->last_use = ++c->seq;
        r->warnings[k]++;
}

void metrics_count_kernel_kill(struct metrics_counters *c, const char *cgroup) {
        char cut[METRICS_CGROUP_MAX];
        struct metrics_kernel_kills *e = NULL;
        snprintf(cut, sizeof(cut), "%s", cgroup && cgroup[0] ? cgroup : "/");
        for (size_t i = 0; i < c->n_kernel && !e; i++)
                if (strcmp(c->kernel[i].cgroup, cut) == 0)
                        e = &c->kernel[i];
        if (!e && c->n_kernel < OTHER_KERNEL)
                e = &c->kernel[c->n_kernel++];
        else if (!e) { /* full: the least recent goes into "(other)" */
                struct metrics_kernel_kills *o = &c->kernel[OTHER_KERNEL];
                e = &c->kernel[0];
                for (size_t i = 1; i < c->n_kernel; i++)
                        if (c->kernel[i].last_use < e->last_use)
                                e = &c->kernel[i];
                snprintf(o->cgroup, sizeof(o->cgroup), "%s", METRICS_OTHER);
                o->kills += e->kills;
        }
        if (strcmp(e->cgroup, cut) != 0) {
                snprintf(e->cgroup, sizeof(e->cgroup), "%s", cut);
                e->kills = 0;
        }
        e->last_use = ++c->seq;
        e->kills++;
}

void metrics_observe_tick(struct metrics_counters *c, uint64_t ns) {
        double s = (double)ns / 1e9;
        size_t i = 0;
        while (i < METRICS_TICK_BUCKETS && s > metrics_tick_bounds[i])
                i++;
        if (i < METRICS_TICK_BUCKETS)
                c->tick_buckets[i]++; /* else only +Inf: tick_count */
        c->tick_count++;
        c->tick_sum_s += s;
}

void metrics_observe_tick_start(struct metrics_counters *c, uint64_t start_ns) {
        if (c->tick_last_start_ns && start_ns > c->tick_last_start_ns) {
                uint64_t gap = start_ns - c->tick_last_start_ns;
                if (gap > c->tick_gap_max_ns)
                        c->tick_gap_max_ns = gap;
        }
        c->tick_last_start_ns = start_ns;
}

/* The last start stays: the gap across a write counts in the next interval. */
void metrics_tick_gap_reset(struct metrics_counters *c) { c->tick_gap_max_ns = 0; }
