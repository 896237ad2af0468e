/* The v2 memory.high tripwire level. Pure. */
#include <errno.h>

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
