/* policy × snapshot → decisions. Pure: no I/O, no allocation. */
#pragma once

#include <stddef.h>

#include "policy/policy.h"
#include "snapshot/snapshot.h"

#define DECISION_REASON_MAX 384 /* thresholds = all names each that held */

struct decision {
        const struct rule *rule;
        const struct cgroup_view *cgroup; /* NULL for [global] */
        enum action_kind action;
        char reason[DECISION_REASON_MAX]; /* "working set 93.1% of limit >= 90%" */
        bool oom;                         /* oom_handler: the cgroup is under OOM, its tasks wait */
};

/* Writes up to cap decisions, [global] first then cgroups in snapshot
 * order. Returns how many rules fired (may exceed cap; only cap are
 * written). */
size_t policy_evaluate(const struct policy *p, const struct snapshot *s, struct decision *out, size_t cap);

/* Whether th fires for a cgroup / the machine: with THRESHOLDS_ANY when
 * one set threshold is crossed (the first, in the man page's order, is
 * written to reason), with THRESHOLDS_ALL when every set one is (each is
 * named in reason, joined by " and "). A threshold that cannot be
 * evaluated (no PSI there, no rate yet, no limit) is not crossed. */
bool thresholds_check_cgroup(const struct thresholds *th, const struct cgroup_view *cg, char *reason, size_t size);
/* oom_handler: a v1 cgroup under OOM with the kernel's killer disabled by
 * oomguard (cg->oom_handler_ours): one an admin disabled is theirs. */
bool oom_handler_check(const struct rule *r, const struct cgroup_view *cg, char *reason, size_t size);
bool thresholds_check_machine(const struct thresholds *th, const struct machine_view *m, char *reason, size_t size);
