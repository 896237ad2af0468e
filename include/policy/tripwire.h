/* The v2 memory.high tripwire ([cgroup:] tripwire = SIZE|PERCENT): where
 * memory.high goes under memory.max. Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "units.h"

/* The level for a cgroup whose memory.max is max: a percentage of max, or
 * max minus a size; rounded down to a page (the kernel keeps pages, so
 * what it reads back equals what was written). Returns 0 and *ret;
 * -ENOENT when max is unlimited (nothing to trip before); -ERANGE when the
 * level would be 0 (a limit too small for the tripwire); -EINVAL when t is
 * unset or page_size is 0. */
int tripwire_level(const struct size_or_pct *t, uint64_t max, uint64_t page_size, uint64_t *ret);

/* Whether to write level over the current memory.high: only to lower it
 * (an admin's lower memory.high stays). */
bool tripwire_should_set(uint64_t current_high, uint64_t level);

/* Whether the tripwire t sits where the rule's usage_above or
 * headroom_below fires, or under it: the kernel would throttle the cgroup
 * at memory.high before the rule sees its threshold crossed (a load-time
 * error). Only what can be told without the limit: percent against
 * percent, a headroom size against a tripwire size. Writes why. */
bool tripwire_hides_threshold(const struct size_or_pct *t, const struct size_or_pct *usage_above,
                              const struct size_or_pct *headroom_below, char *why, size_t size);
