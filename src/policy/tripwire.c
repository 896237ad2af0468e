/* The v2 memory.high tripwire level. Pure. */
#include <errno.h>
#include <stdio.h>

#include "policy/tripwire.h"
#include "util.h"

int tripwire_level(const struct size_or_pct *t, uint64_t max, uint64_t page_size, uint64_t *ret) {
        if (t->kind == SIZE_UNSET || page_size == 0)
                return -EINVAL;
        if (max == BYTES_UNLIMITED)
                return -ENOENT;
        uint64_t level;
        if (t->kind == SIZE_PERCENT) {
                if (t->percent <= 0 || t->percent >= 100)
                        return -ERANGE;
                /* long double: exact for any byte count a machine has */
                level = (uint64_t)((long double)max * (long double)t->percent / 100.0L);
        } else {
                if (t->bytes >= max)
                        return -ERANGE;
                level = max - t->bytes;
        }
        level -= level % page_size;
        if (level == 0 || level >= max)
                return -ERANGE;
        *ret = level;
        return 0;
}

bool tripwire_should_set(uint64_t current_high, uint64_t level) {
        return current_high == BYTES_UNLIMITED || current_high > level;
}

bool tripwire_hides_threshold(const struct size_or_pct *t, const struct size_or_pct *usage_above,
                              const struct size_or_pct *headroom_below, char *why, size_t size) {
        if (t->kind == SIZE_PERCENT && usage_above->kind == SIZE_PERCENT && t->percent <= usage_above->percent) {
                snprintf(why, size,
                         "%g%% is not above usage_above = %g%%: the kernel would throttle the cgroup at "
                         "memory.high before the rule fires (the tripwire goes between the threshold and the limit)",
                         t->percent, usage_above->percent);
                return true;
        }
        if (t->kind == SIZE_PERCENT && headroom_below->kind == SIZE_PERCENT &&
            t->percent <= 100.0 - headroom_below->percent) {
                snprintf(why, size,
                         "%g%% is not above where headroom_below = %g%% fires (%g%% of the limit): the "
                         "kernel would throttle the cgroup at memory.high first",
                         t->percent, headroom_below->percent, 100.0 - headroom_below->percent);
                return true;
        }
        if (t->kind == SIZE_BYTES && headroom_below->kind == SIZE_BYTES && t->bytes >= headroom_below->bytes) {
                char a[32], b[32];
                snprintf(why, size,
                         "%s under the limit is not closer to it than headroom_below = %s: the kernel "
                         "would throttle the cgroup at memory.high first",
                         format_bytes(a, sizeof(a), t->bytes), format_bytes(b, sizeof(b), headroom_below->bytes));
                return true;
        }
        return false;
}
