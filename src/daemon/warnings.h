/* Early warnings, wired: each fired or cleared warning (outputs/warning.h)
 * becomes a journal event, a report of kind "warning" (written after the
 * tick, with the hook) and a count in the metrics. */
#pragma once

#include "outputs/warning.h"

struct guard;

/* Off the kill path: call it after the tick's decisions. */
void warnings_emit(struct guard *g, const struct warning_event *e);
