/* The leak forecast, wired: the trends' fits (a few per tick), the
 * machine's trend, and each rule's leak warning (policy/leak_warn.h)
 * through warnings_emit. After the tick's decisions, off the kill path;
 * no allocation. */
#pragma once

#include <stdint.h>

struct guard;

/* Fits refitted per tick at most: ~35 us each (64 floors, 2,016 slopes;
 * tests/bench/trendcost), so 1,000 cgroups whose buckets close in the
 * same tick cost under 0.6 ms a tick for a while, not 35 ms at once.
 * 1,000 cgroups with 1h windows close 18 buckets a second: at idle ticks
 * (up to 1 s apart) a fit lags its bucket by a tick or two. */
#define TREND_REFITS_PER_TICK 16

void trend_watch_tick(struct guard *g, uint64_t now);

/* The longest the loop may sleep for the warning trends to see a few
 * samples in every bucket: a quarter of the narrowest bucket of a rule
 * with leak_warn_within (UINT64_MAX: none). Sampled once a bucket, a
 * sawtooth aliases into a slow ramp (the tick's phase drifting along the
 * saw) and looks like a leak; a 1h window's buckets (56 s) never bind
 * the 1 s idle poll, a 30s window's (0.47 s) make it 117 ms. */
uint64_t trend_watch_poll_cap_ns(const struct guard *g);
