/* Memory cgroup files, v1 and v2, read into one shape.
 *
 * v1 (memory controller):      v2 (unified):
 *   memory.usage_in_bytes        memory.current
 *   memory.limit_in_bytes        memory.max            ("max" = unlimited)
 *   -                            memory.high
 *   memory.failcnt               memory.events "max"   (times the limit was hit)
 *   memory.oom_control           memory.events "oom", "oom_kill"
 *   memory.memsw.*               memory.swap.current / memory.swap.max
 *   memory.stat                  memory.stat
 *   (cgroup2 PSI, hybrid)        memory.pressure
 *
 * The parsers are pure. memcg_open() keeps every file open so that the
 * tick only calls pread() (no open, no allocation). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/psi.h"

enum cgroup_version { CGROUP_V1 = 1, CGROUP_V2 = 2 };

/* v1 knows "unlimited" as a huge page-aligned number; anything at or above
 * this is treated as no limit. */
#define MEMCG_V1_UNLIMITED_FLOOR (UINT64_C(1) << 62)

struct memcg_stat {
        uint64_t anon, file, active_file, inactive_file, shmem;
        uint64_t mapped;           /* file pages mapped by its processes (v1 mapped_file, v2 file_mapped) */
        uint64_t dirty, writeback; /* file pages not yet written back (v1 dirty, v2 file_dirty, ...) */
        uint64_t pgfault, pgmajfault;
};

struct memcg_stats {
        enum cgroup_version version;
        uint64_t usage;        /* bytes charged */
        uint64_t limit;        /* BYTES_UNLIMITED when none */
        uint64_t high;         /* v2 memory.high; BYTES_UNLIMITED otherwise */
        uint64_t swap_usage;   /* v2 swap.current, v1 memsw.usage - usage */
        uint64_t swap_limit;   /* v2 swap.max; v1 memsw.limit - limit (the swap
                                  * allowance, like swap_usage), memsw.limit
                                  * when limit is unlimited; or UNLIMITED */
        uint64_t failcnt;      /* v1 memory.failcnt; v2 events.local "max" (this
                                  * cgroup's own limit, not its children's) */
        uint64_t oom;          /* v2 events "oom"; v1 under_oom (0/1) */
        uint64_t oom_kill;     /* kernel OOM kills in this cgroup */
        uint64_t high_events;  /* v2 memory.events "high" (throttled over memory.high) */
        uint64_t local_high;   /* v2 memory.events.local "high" and "oom": this cgroup's own */
        uint64_t local_oom;    /* limits (memory.events without .local, before 5.2) */
        bool oom_kill_disable; /* v1 only */
        struct memcg_stat stat;
        bool has_psi;
        struct psi psi;
};

/* Pure parsers (one per file format). */
int parse_memcg_v1_stat(const char *buf, size_t len, struct memcg_stat *ret);
int parse_memcg_v2_stat(const char *buf, size_t len, struct memcg_stat *ret);
int parse_memcg_v1_oom_control(const char *buf, size_t len, bool *ret_disabled, uint64_t *ret_under_oom,
                               uint64_t *ret_oom_kill);
/* memory.events: ret_max = "max", ret_oom = "oom", ret_oom_kill = "oom_kill" */
int parse_memcg_v2_events(const char *buf, size_t len, uint64_t *ret_max, uint64_t *ret_oom, uint64_t *ret_oom_kill);
/* v1 limit: a huge value means unlimited -> BYTES_UNLIMITED. */
uint64_t memcg_v1_normalize_limit(uint64_t raw);

/* Kept-open file descriptors of one cgroup. -1 = not available. */
enum memcg_file {
        MEMCG_USAGE,
        MEMCG_LIMIT,
        MEMCG_HIGH,
        MEMCG_FAILCNT_OR_EVENTS,
        MEMCG_OOM_CONTROL,
        MEMCG_STAT,
        MEMCG_SWAP_USAGE,
        MEMCG_SWAP_LIMIT,
        MEMCG_PRESSURE,
        MEMCG_EVENTS_LOCAL,
        _MEMCG_FILE_MAX
};

struct memcg_files {
        enum cgroup_version version;
        int fd[_MEMCG_FILE_MAX];
};

/* dir: the cgroup's directory in the memory hierarchy (absolute, already
 * joined with the root). psi_dir: where memory.pressure lives (same as dir
 * on v2; the cgroup2 twin on hybrid hosts; NULL when there is none).
 * Returns 0, or -errno (-ENOENT when the cgroup vanished). On failure
 * every ret->fd is -1, so memcg_close(ret) is always safe. */
int memcg_open(enum cgroup_version version, const char *dir, const char *psi_dir, struct memcg_files *ret);
void memcg_close(struct memcg_files *f);

/* The hot path: pread every kept fd. buf is scratch space (>= 8 KiB).
 * Returns 0, or -errno; -ENODEV/-ENOENT when the cgroup was removed. */
int memcg_read(const struct memcg_files *f, char *buf, size_t size, struct memcg_stats *ret);
