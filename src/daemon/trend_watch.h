/* The leak forecast, wired: the trends' fits (a few per tick), the
 * machine's trend, and each rule's leak warning (policy/leak_warn.h)
 * through warnings_emit. After the tick's decisions, off the kill path;
 * no allocation. */
#pragma once

#include <stdint.h>

struct guard;

/* Fits refitted per tick at most: ~20 us each, so 1,000 cgroups whose
 * buckets close in the same tick cost 32 x 20 us a tick, not 20 ms once. */
#define TREND_REFITS_PER_TICK 32

void trend_watch_tick(struct guard *g, uint64_t now);
