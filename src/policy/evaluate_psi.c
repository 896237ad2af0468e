/* The memory-pressure (PSI) thresholds of a rule, the one check that
 * [global] (evaluate_machine.c) and [cgroup:] rules (evaluate.c) share,
 * and how a rule's conditions combine (struct verdict). Pure: no I/O, no
 * allocation. */
#include <stdio.h>
#include <string.h>

#include "evaluate_internal.h"
#include "policy/evaluate.h"

void verdict_init(struct verdict *v, enum thresholds_mode mode, char *reason, size_t size) {
        *v = (struct verdict){ .mode = mode, .reason = reason, .size = size };
        if (size)
                reason[0] = '\0';
}

bool verdict_add(struct verdict *v, bool set, bool held, const char *part) {
        if (v->decided || !set)
                return v->decided;
        if (!held) {
                if (v->mode == THRESHOLDS_ALL)
                        v->decided = true; /* fired stays false */
                return v->decided;
        }
        if (v->mode == THRESHOLDS_ANY) {
                snprintf(v->reason, v->size, "%s", part);
                v->decided = v->fired = true;
                return true;
        }
        if (v->len < v->size)
                v->len += (size_t)snprintf(v->reason + v->len, v->size - v->len, "%s%s", v->n_held ? " and " : "",
                                           part);
        v->n_held++;
        return false;
}

bool verdict_fired(const struct verdict *v) {
        if (v->mode == THRESHOLDS_ANY)
                return v->fired;
        return !v->decided && v->n_held > 0;
}

/* One PSI condition: avg10 above pct, or (machine) its trigger fired;
 * where the trigger is armed (armed), it alone. */
static bool psi_held(const char *kind, bool have, double avg10, double pct, bool armed, bool fired, char *part,
                     size_t size) {
        if (have && !armed && over_threshold(avg10, pct)) {
                snprintf(part, size, "memory pressure %s avg10 %.2f%% > %.2f%%", kind, avg10, pct);
                return true;
        }
        if (fired) {
                snprintf(part, size, "memory pressure trigger: %s stall above %.2f%% of the last second", kind, pct);
                return true;
        }
        return false;
}

bool verdict_add_psi(struct verdict *v, const struct thresholds *th, bool has_psi, const struct psi *psi,
                     bool trigger_armed, bool trigger_fired) {
        char part[DECISION_REASON_MAX];
        part[0] = '\0';
        bool some_set = th->psi_some_avg10_above >= 0, full_set = th->psi_full_avg10_above >= 0;
        /* The trigger is armed for some when it is set, else for full. */
        if (verdict_add(v, some_set,
                        psi_held("some", has_psi, psi->some.avg10, th->psi_some_avg10_above, trigger_armed && some_set,
                                 trigger_fired && some_set, part, sizeof(part)),
                        part))
                return true;
        return verdict_add(v, full_set,
                           psi_held("full", has_psi && psi->has_full, psi->full.avg10, th->psi_full_avg10_above,
                                    trigger_armed && !some_set && full_set, trigger_fired && !some_set && full_set,
                                    part, sizeof(part)),
                           part);
}
