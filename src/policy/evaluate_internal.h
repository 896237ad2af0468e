/* Internal to src/policy/evaluate*.c: the checks [global] rules
 * (evaluate_machine.c) and [cgroup:] rules (evaluate.c) share, and how a
 * rule's conditions combine. Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"
#include "sources/psi.h"

/* A threshold is set (>= 0) and value is above it. */
static inline bool over_threshold(double value, double threshold) { return threshold >= 0 && value > threshold; }

/* The conditions of one rule, added one by one, combined as its
 * thresholds mode says. any: the first that holds decides, its reason is
 * the decision's. all: every set condition must hold (a rule with none
 * set never fires); their reasons are joined with " and ". */
struct verdict {
        enum thresholds_mode mode;
        bool decided, fired;
        unsigned n_held;
        char *reason;
        size_t size, len;
};
void verdict_init(struct verdict *v, enum thresholds_mode mode, char *reason, size_t size);
/* One condition: set (the admin gave it), held (crossed now; part says
 * how). Returns true once the outcome is known: no need to check more. */
bool verdict_add(struct verdict *v, bool set, bool held, const char *part);
bool verdict_fired(const struct verdict *v);

/* evaluate_psi.c: the PSI avg10 thresholds of th against psi (when
 * has_psi) as two conditions, some then full. trigger_armed: a PSI
 * trigger is armed for the stricter of them (the machine's): then it
 * alone decides, trigger_fired saying whether it fired. Returns as
 * verdict_add. */
bool verdict_add_psi(struct verdict *v, const struct thresholds *th, bool has_psi, const struct psi *psi,
                     bool trigger_armed, bool trigger_fired);
