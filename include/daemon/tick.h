/* Internal to the tick (src/daemon/tick*.c). */
#pragma once

#include "daemon/guard.h"

void tick_clear_stale(struct guard *g, size_t n);
void tick_arm_and_heat(struct guard *g, size_t n_decisions);
