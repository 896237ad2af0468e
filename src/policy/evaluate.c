/* policy × snapshot → decisions, and the [cgroup:] thresholds against
 * one cgroup, combined as the rule's thresholds mode says (any / all).
 * Pure: no I/O, no allocation. */
#include <stdio.h>
#include <string.h>

#include "evaluate_internal.h"
#include "policy/evaluate.h"
#include "util.h"

static bool check_usage(const struct size_or_pct *t, const struct cgroup_view *cg, char *reason, size_t size) {
        const struct cgroup_derived *d = &cg->d;
        char a[32], b[32];
        if (t->kind == SIZE_PERCENT && d->pct_of_limit >= 0 && d->pct_of_limit >= t->percent) {
                snprintf(reason, size, "working set %.1f%% of limit %s >= %.1f%%", d->pct_of_limit,
                         format_bytes(a, sizeof(a), cg->stats.limit), t->percent);
                return true;
        }
        if (t->kind == SIZE_BYTES && d->working_set >= t->bytes) {
                snprintf(reason, size, "working set %s >= %s", format_bytes(a, sizeof(a), d->working_set),
                         format_bytes(b, sizeof(b), t->bytes));
                return true;
        }
        return false;
}

static bool check_headroom(const struct size_or_pct *t, const struct cgroup_view *cg, char *reason, size_t size) {
        if (t->kind == SIZE_UNSET || cg->d.bytes_left == BYTES_UNLIMITED)
                return false;
        uint64_t want = size_or_pct_resolve(t, cg->stats.limit);
        if (cg->d.bytes_left >= want)
                return false;
        char a[32], b[32];
        snprintf(reason, size, "headroom %s to the limit < %s", format_bytes(a, sizeof(a), cg->d.bytes_left),
                 format_bytes(b, sizeof(b), want));
        return true;
}

/* Time to the limit if usage keeps growing as fast as since the last tick. */
static bool check_forecast(uint64_t below_ns, const struct cgroup_view *cg, char *reason, size_t size) {
        const struct cgroup_derived *d = &cg->d;
        if (!below_ns || !d->has_rates || d->usage_slope <= 0 || d->bytes_left == BYTES_UNLIMITED)
                return false;
        double seconds = (double)d->bytes_left / d->usage_slope;
        if (seconds * (double)NSEC_PER_SEC >= (double)below_ns)
                return false;
        snprintf(reason, size, "limit reached in %.2fs at %.1f MiB/s (< %.2fs)", seconds,
                 d->usage_slope / (1024.0 * 1024.0), (double)below_ns / (double)NSEC_PER_SEC);
        return true;
}

static bool check_failcnt(double above, const struct cgroup_view *cg, char *reason, size_t size) {
        if (!cg->d.has_rates || !over_threshold(cg->d.failcnt_rate, above))
                return false;
        snprintf(reason, size, "failcnt rising %.1f/s > %.1f/s", cg->d.failcnt_rate, above);
        return true;
}

/* The PSI thresholds: avg10, or the cgroup's trigger that fired; on v2 a
 * cgroup throttled at oomguard's memory.high tripwire, its working set
 * at that level, counts as stalling: the kernel makes its tasks wait there, and between the
 * tripwire and memory.max a fast allocator stalls for less than the
 * trigger's window before the kernel kills it (measured in the VM:
 * 0 of 10 hogs caught by pressure alone). */
static bool check_cgroup_psi(struct verdict *v, const struct thresholds *th, const struct cgroup_view *cg) {
        bool psi_set = th->psi_some_avg10_above >= 0 || th->psi_full_avg10_above >= 0;
        /* The working set itself at the tripwire: what reclaim there
         * cannot free (a cgroup whose cache is reclaimed at memory.high
         * raises "high" too, without stalling). */
        bool throttled = cg->tripwire_hit && cg->stats.high != BYTES_UNLIMITED && cg->d.working_set >= cg->stats.high;
        if (psi_set && throttled)
                return verdict_add(v, true, true, "throttled at its memory.high tripwire");
        return verdict_add_psi(v, th, cg->stats.has_psi, &cg->stats.psi, false, cg->psi_trigger_fired);
}

bool thresholds_check_cgroup(const struct thresholds *th, const struct cgroup_view *cg, char *reason, size_t size) {
        if (!cg->valid)
                return false;
        struct verdict v;
        verdict_init(&v, th->mode, reason, size);
        char part[DECISION_REASON_MAX];
        part[0] = '\0';
        /* Each check runs only while the outcome is open. */
        (void)(verdict_add(&v, th->usage_above.kind != SIZE_UNSET,
                           check_usage(&th->usage_above, cg, part, sizeof(part)), part) ||
               verdict_add(&v, th->headroom_below.kind != SIZE_UNSET,
                           check_headroom(&th->headroom_below, cg, part, sizeof(part)), part) ||
               verdict_add(&v, th->forecast_below_ns != 0,
                           check_forecast(th->forecast_below_ns, cg, part, sizeof(part)), part) ||
               verdict_add(&v, th->failcnt_rate_above >= 0,
                           check_failcnt(th->failcnt_rate_above, cg, part, sizeof(part)), part) ||
               check_cgroup_psi(&v, th, cg));
        return verdict_fired(&v);
}

bool oom_handler_check(const struct rule *r, const struct cgroup_view *cg, char *reason, size_t size) {
        if (!r->oom_handler || !cg->valid || cg->stats.version != CGROUP_V1 || !cg->stats.oom_kill_disable ||
            !cg->oom_handler_ours || !cg->stats.oom)
                return false;
        snprintf(reason, size, "under OOM, the kernel's OOM killer disabled (oom_handler)");
        return true;
}

/* v1 marks a cgroup under OOM with its whole subtree (the kernel's
 * mem_cgroup_mark_under_oom): a child reads under_oom 1 when its parent
 * hit the parent's limit. The topmost watched cgroup under OOM is the
 * one whose limit was hit; it alone takes the kill. */
static bool oom_is_an_ancestors(const struct snapshot *s, const struct cgroup_view *cg) {
        for (size_t i = 0; i < s->n_cgroups; i++) {
                const struct cgroup_view *up = &s->cgroups[i];
                if (up != cg && up->valid && up->stats.version == CGROUP_V1 && up->stats.oom &&
                    strcmp(cg->path, up->path) != 0 && path_within(cg->path, up->path))
                        return true;
        }
        return false;
}

size_t policy_evaluate(const struct policy *p, const struct snapshot *s, struct decision *out, size_t cap) {
        size_t n = 0;
        char reason[DECISION_REASON_MAX];
        if (p->has_global && thresholds_check_machine(&p->global.th, &s->machine, reason, sizeof(reason))) {
                if (n < cap) {
                        out[n] = (struct decision){ .rule = &p->global, .action = p->global.action };
                        snprintf(out[n].reason, sizeof(out[n].reason), "%s", reason);
                }
                n++;
        }
        for (size_t i = 0; i < s->n_cgroups; i++) {
                const struct cgroup_view *cg = &s->cgroups[i];
                if (cg->rule_index < 0 || (size_t)cg->rule_index >= p->n_cgroups)
                        continue;
                const struct rule *r = &p->cgroups[cg->rule_index];
                bool oom = oom_handler_check(r, cg, reason, sizeof(reason)) && !oom_is_an_ancestors(s, cg);
                if (!oom && !thresholds_check_cgroup(&r->th, cg, reason, sizeof(reason)))
                        continue;
                if (n < cap) {
                        out[n] = (struct decision){ .rule = r, .cgroup = cg, .action = r->action, .oom = oom };
                        snprintf(out[n].reason, sizeof(out[n].reason), "%s", reason);
                }
                n++;
        }
        return n;
}
