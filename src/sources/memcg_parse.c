/* Pure parsers for the memory cgroup files, v1 and v2. */
#include "sources/kv.h"
#include "sources/memcg.h"
#include "util.h"

uint64_t memcg_v1_normalize_limit(uint64_t raw) {
        /* v1 prints "no limit" as PAGE_COUNTER_MAX * PAGE_SIZE, rounded
         * down to a page: 9223372036854771712 on x86-64. */
        return raw >= MEMCG_V1_UNLIMITED_FLOOR ? BYTES_UNLIMITED : raw;
}

/* v1 memory.stat: the total_* fields count the whole subtree (with
 * use_hierarchy, the charge the limit sees); the plain ones only this
 * cgroup's own pages. Prefer total_*, fall back to local. */
int parse_memcg_v1_stat(const char *buf, size_t len, struct memcg_stat *ret) {
        struct memcg_stat loc = { 0 }, tot = { 0 };
        bool s[20] = { 0 };
        const struct kv_field fields[] = {
                { "cache", &loc.file, &s[0] },
                { "total_cache", &tot.file, &s[1] },
                { "rss", &loc.anon, &s[2] },
                { "total_rss", &tot.anon, &s[3] },
                { "active_file", &loc.active_file, &s[4] },
                { "total_active_file", &tot.active_file, &s[5] },
                { "inactive_file", &loc.inactive_file, &s[6] },
                { "total_inactive_file", &tot.inactive_file, &s[7] },
                { "shmem", &loc.shmem, &s[8] },
                { "total_shmem", &tot.shmem, &s[9] },
                { "pgfault", &loc.pgfault, &s[10] },
                { "total_pgfault", &tot.pgfault, &s[11] },
                { "pgmajfault", &loc.pgmajfault, &s[12] },
                { "total_pgmajfault", &tot.pgmajfault, &s[13] },
                { "mapped_file", &loc.mapped, &s[14] },
                { "total_mapped_file", &tot.mapped, &s[15] },
                { "dirty", &loc.dirty, &s[16] },
                { "total_dirty", &tot.dirty, &s[17] },
                { "writeback", &loc.writeback, &s[18] },
                { "total_writeback", &tot.writeback, &s[19] },
        };
        int r = parse_kv(buf, len, fields, ELEMENTSOF(fields));
        if (r < 0)
                return r;
        if (!(s[0] || s[1]) || !(s[2] || s[3]))
                return -EBADMSG; /* no "cache"/"rss": not a memory.stat */
        struct memcg_stat m = {
                .file = s[1] ? tot.file : loc.file,
                .anon = s[3] ? tot.anon : loc.anon,
                .active_file = s[5] ? tot.active_file : loc.active_file,
                .inactive_file = s[7] ? tot.inactive_file : loc.inactive_file,
                .shmem = s[9] ? tot.shmem : loc.shmem,
                .pgfault = s[11] ? tot.pgfault : loc.pgfault,
                .pgmajfault = s[13] ? tot.pgmajfault : loc.pgmajfault,
                .mapped = s[15] ? tot.mapped : loc.mapped,
                .dirty = s[17] ? tot.dirty : loc.dirty,
                .writeback = s[19] ? tot.writeback : loc.writeback,
        };
        *ret = m;
        return 0;
}

/* v2 memory.stat is hierarchical already. */
int parse_memcg_v2_stat(const char *buf, size_t len, struct memcg_stat *ret) {
        struct memcg_stat m = { 0 };
        bool has_anon = false, has_file = false;
        const struct kv_field fields[] = {
                { "anon", &m.anon, &has_anon },
                { "file", &m.file, &has_file },
                { "active_file", &m.active_file, NULL },
                { "inactive_file", &m.inactive_file, NULL },
                { "shmem", &m.shmem, NULL },
                { "pgfault", &m.pgfault, NULL },
                { "pgmajfault", &m.pgmajfault, NULL },
                { "file_mapped", &m.mapped, NULL },
                { "file_dirty", &m.dirty, NULL },
                { "file_writeback", &m.writeback, NULL },
        };
        int r = parse_kv(buf, len, fields, ELEMENTSOF(fields));
        if (r < 0)
                return r;
        if (!has_anon || !has_file)
                return -EBADMSG;
        *ret = m;
        return 0;
}

int parse_memcg_v1_oom_control(const char *buf, size_t len, bool *ret_disabled, uint64_t *ret_under_oom,
                               uint64_t *ret_oom_kill) {
        uint64_t disabled = 0, under_oom = 0, oom_kill = 0;
        bool has_disabled = false, has_under = false;
        const struct kv_field fields[] = {
                { "oom_kill_disable", &disabled, &has_disabled },
                { "under_oom", &under_oom, &has_under },
                { "oom_kill", &oom_kill, NULL }, /* 4.13+ */
        };
        int r = parse_kv(buf, len, fields, ELEMENTSOF(fields));
        if (r < 0)
                return r;
        if (!has_disabled || !has_under)
                return -EBADMSG;
        *ret_disabled = disabled != 0;
        *ret_under_oom = under_oom;
        *ret_oom_kill = oom_kill;
        return 0;
}

int parse_memcg_v2_events(const char *buf, size_t len, uint64_t *ret_max, uint64_t *ret_oom, uint64_t *ret_oom_kill) {
        uint64_t max = 0, oom = 0, oom_kill = 0;
        bool has_max = false, has_oom = false;
        const struct kv_field fields[] = {
                { "max", &max, &has_max }, { "oom", &oom, &has_oom }, { "oom_kill", &oom_kill, NULL }, /* 4.13+ */
        };
        int r = parse_kv(buf, len, fields, ELEMENTSOF(fields));
        if (r < 0)
                return r;
        if (!has_max || !has_oom)
                return -EBADMSG;
        *ret_max = max;
        *ret_oom = oom;
        *ret_oom_kill = oom_kill;
        return 0;
}
