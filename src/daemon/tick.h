/* One tick: the order of the stages sources → snapshot → policy →
 * actions, and the bookkeeping around it (tick_state.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guard.h"

#define TICK_REPEAT_LOG_NS (30 * NSEC_PER_SEC) /* "still firing" reminder */
#define TICK_FAST_POLL_NS (10 * NSEC_PER_MSEC) /* while something is close */
#define TICK_COLD_READ_NS (5 * NSEC_PER_SEC)   /* probe of a cold cgroup with an armed eventfd */

/* Read everything, evaluate; when act is true hand decisions to the
 * actuator. Returns the number of decisions. */
size_t tick_run(struct guard *g, bool act);

/* How long the loop may sleep before the next tick. */
uint64_t tick_timeout_ns(const struct guard *g);

/* Internal to tick*.c: rules that stopped firing are cleared; what is
 * missing is armed and whether to poll fast is decided. */
void tick_clear_stale(struct guard *g, size_t n);
void tick_arm_and_heat(struct guard *g, size_t n_decisions);
