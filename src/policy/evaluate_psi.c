/* The memory-pressure (PSI) thresholds of a rule: the one check that
 * [global] (evaluate_machine.c) and [cgroup:] rules (evaluate.c) share.
 * Pure: no I/O, no allocation. */
#include <stdio.h>

#include "evaluate_internal.h"

bool thresholds_check_psi(const struct thresholds *th, bool has_psi, const struct psi *psi, char *reason, size_t size) {
        if (!has_psi)
                return false;
        if (over_threshold(psi->some.avg10, th->psi_some_avg10_above)) {
                snprintf(reason, size, "memory pressure some avg10 %.2f%% > %.2f%%", psi->some.avg10,
                         th->psi_some_avg10_above);
                return true;
        }
        if (psi->has_full && over_threshold(psi->full.avg10, th->psi_full_avg10_above)) {
                snprintf(reason, size, "memory pressure full avg10 %.2f%% > %.2f%%", psi->full.avg10,
                         th->psi_full_avg10_above);
                return true;
        }
        return false;
}
