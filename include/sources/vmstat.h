/* /proc/vmstat: reclaim scanning and the kernel's own OOM kill counter. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct vmstat {
        uint64_t pgscan_kswapd;
        uint64_t pgscan_direct;
        uint64_t pgscan_khugepaged;
        uint64_t pgmajfault;
        uint64_t oom_kill; /* global + memcg OOM kills since boot */
        uint64_t pswpin, pswpout;
};

/* -EBADMSG when the buffer has no recognisable field at all. */
int parse_vmstat(const char *buf, size_t len, struct vmstat *ret);
int read_vmstat(const char *root, struct vmstat *ret);
static inline uint64_t vmstat_pgscan(const struct vmstat *v) {
        return v->pgscan_kswapd + v->pgscan_direct + v->pgscan_khugepaged;
}
