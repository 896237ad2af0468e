/* Internal to src/policy/evaluate*.c: the checks [global] rules
 * (evaluate_machine.c) and [cgroup:] rules (evaluate.c) share. Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"
#include "sources/psi.h"

/* A threshold is set (>= 0) and value is above it. */
static inline bool over_threshold(double value, double threshold) { return threshold >= 0 && value > threshold; }

/* evaluate_psi.c: the PSI avg10 thresholds of th against psi (when
 * has_psi), the first crossed written to reason. */
bool thresholds_check_psi(const struct thresholds *th, bool has_psi, const struct psi *psi, char *reason, size_t size);
