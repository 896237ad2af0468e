/* A memory cgroup's files kept open, re-read with pread() every tick:
 * no open(), no allocation on the hot path. A cgroup removed while its
 * files are open makes pread() fail with ENODEV; that is passed up. */
#include <fcntl.h>
#include <string.h>

#include "sources/kv.h"
#include "sources/memcg.h"
#include "util.h"

struct memcg_file_name {
        const char *v1, *v2;
        bool optional; /* missing (accounting or feature off) -> fd -1 */
};

static const struct memcg_file_name file_names[_MEMCG_FILE_MAX] = {
        [MEMCG_USAGE] = { "/memory.usage_in_bytes", "/memory.current", false },
        [MEMCG_LIMIT] = { "/memory.limit_in_bytes", "/memory.max", false },
        [MEMCG_HIGH] = { NULL, "/memory.high", true },
        [MEMCG_FAILCNT_OR_EVENTS] = { "/memory.failcnt", "/memory.events", false },
        [MEMCG_OOM_CONTROL] = { "/memory.oom_control", NULL, false },
        [MEMCG_STAT] = { "/memory.stat", "/memory.stat", false },
        [MEMCG_SWAP_USAGE] = { "/memory.memsw.usage_in_bytes", "/memory.swap.current", true },
        [MEMCG_SWAP_LIMIT] = { "/memory.memsw.limit_in_bytes", "/memory.swap.max", true },
        [MEMCG_PRESSURE] = { NULL, NULL, true }, /* from psi_dir, below */
        /* memory.events is hierarchical: its "max" counts every child's
         * limit hits too. The local file (5.2+) says this cgroup's own. */
        [MEMCG_EVENTS_LOCAL] = { NULL, "/memory.events.local", true },
};

void memcg_close(struct memcg_files *f) {
        for (size_t i = 0; i < _MEMCG_FILE_MAX; i++) {
                closep(&f->fd[i]);
                f->fd[i] = -1;
        }
}

int memcg_open(enum cgroup_version version, const char *dir, const char *psi_dir, struct memcg_files *ret) {
        struct memcg_files f = { .version = version };
        for (size_t i = 0; i < _MEMCG_FILE_MAX; i++)
                f.fd[i] = -1;
        if ((version != CGROUP_V1 && version != CGROUP_V2) || !dir) {
                *ret = f;
                return -EINVAL;
        }
        for (size_t i = 0; i < _MEMCG_FILE_MAX; i++) {
                const struct memcg_file_name *n = &file_names[i];
                const char *name = version == CGROUP_V1 ? n->v1 : n->v2;
                if (!name)
                        continue;
                f.fd[i] = open_at_root(dir, name, O_RDONLY);
                if (f.fd[i] < 0 && !n->optional) {
                        int r = f.fd[i];
                        f.fd[i] = -1;
                        memcg_close(&f);
                        *ret = f; /* all -1: memcg_close() stays safe */
                        return r;
                }
                if (f.fd[i] < 0)
                        f.fd[i] = -1;
        }
        if (psi_dir) {
                int fd = open_at_root(psi_dir, "/memory.pressure", O_RDONLY);
                f.fd[MEMCG_PRESSURE] = fd < 0 ? -1 : fd;
        }
        *ret = f;
        return 0;
}

/* One number (or "max") from a kept fd. */
static int read_value(int fd, char *buf, size_t size, uint64_t *ret) {
        ssize_t n = pread_all(fd, buf, size);
        if (n < 0)
                return (int)n;
        return parse_u64_or_max(buf, (size_t)n, ret);
}

/* An optional file: fd -1 leaves the default in *ret. */
static int read_optional(int fd, char *buf, size_t size, uint64_t *ret) {
        return fd < 0 ? 0 : read_value(fd, buf, size, ret);
}

static int read_text(int fd, char *buf, size_t size, size_t *ret_len) {
        ssize_t n = pread_all(fd, buf, size);
        if (n < 0)
                return (int)n;
        *ret_len = (size_t)n;
        return 0;
}

/* memory.pressure: errors other than "gone" (e.g. EOPNOTSUPP when PSI is
 * switched off at runtime) just mean no PSI for this cgroup. */
static int read_pressure(int fd, char *buf, size_t size, struct memcg_stats *m) {
        size_t n = 0;
        if (fd < 0)
                return 0;
        int r = read_text(fd, buf, size, &n);
        if (r < 0)
                return errno_is_vanished(r) ? r : 0;
        r = parse_psi(buf, n, &m->psi);
        if (r < 0)
                return r;
        m->has_psi = true;
        return 0;
}

/* v1 speaks of memory+swap; turn that into swap alone, like v2. */
static void v1_swap(struct memcg_stats *m, uint64_t memsw_usage, uint64_t memsw_limit) {
        m->swap_usage = memsw_usage > m->usage ? memsw_usage - m->usage : 0;
        memsw_limit = memcg_v1_normalize_limit(memsw_limit);
        if (memsw_limit == BYTES_UNLIMITED || m->limit == BYTES_UNLIMITED)
                m->swap_limit = memsw_limit;
        else
                m->swap_limit = memsw_limit > m->limit ? memsw_limit - m->limit : 0;
}

static int memcg_read_v1(const int *fd, char *buf, size_t size, struct memcg_stats *m) {
        uint64_t memsw_usage = 0, memsw_limit = BYTES_UNLIMITED;
        size_t n = 0;
        int r;
        if ((r = read_value(fd[MEMCG_USAGE], buf, size, &m->usage)) < 0 ||
            (r = read_value(fd[MEMCG_LIMIT], buf, size, &m->limit)) < 0 ||
            (r = read_value(fd[MEMCG_FAILCNT_OR_EVENTS], buf, size, &m->failcnt)) < 0 ||
            (r = read_optional(fd[MEMCG_SWAP_USAGE], buf, size, &memsw_usage)) < 0 ||
            (r = read_optional(fd[MEMCG_SWAP_LIMIT], buf, size, &memsw_limit)) < 0)
                return r;
        m->limit = memcg_v1_normalize_limit(m->limit);
        if (fd[MEMCG_SWAP_USAGE] >= 0)
                v1_swap(m, memsw_usage, memsw_limit);
        if ((r = read_text(fd[MEMCG_OOM_CONTROL], buf, size, &n)) < 0 ||
            (r = parse_memcg_v1_oom_control(buf, n, &m->oom_kill_disable, &m->oom, &m->oom_kill)) < 0)
                return r;
        if ((r = read_text(fd[MEMCG_STAT], buf, size, &n)) < 0)
                return r;
        return parse_memcg_v1_stat(buf, n, &m->stat);
}

static int memcg_read_v2(const int *fd, char *buf, size_t size, struct memcg_stats *m) {
        size_t n = 0;
        int r;
        if ((r = read_value(fd[MEMCG_USAGE], buf, size, &m->usage)) < 0 ||
            (r = read_value(fd[MEMCG_LIMIT], buf, size, &m->limit)) < 0 ||
            (r = read_optional(fd[MEMCG_HIGH], buf, size, &m->high)) < 0 ||
            (r = read_optional(fd[MEMCG_SWAP_USAGE], buf, size, &m->swap_usage)) < 0 ||
            (r = read_optional(fd[MEMCG_SWAP_LIMIT], buf, size, &m->swap_limit)) < 0)
                return r;
        if ((r = read_text(fd[MEMCG_FAILCNT_OR_EVENTS], buf, size, &n)) < 0 ||
            (r = parse_memcg_v2_events(buf, n, &m->failcnt, &m->oom, &m->oom_kill)) < 0)
                return r;
        const struct kv_field high = { "high", &m->high_events, NULL };
        (void)parse_kv(buf, (size_t)n, &high, 1);
        m->local_high = m->high_events;
        m->local_oom = m->oom;
        uint64_t local_max, local_oom, ignore_kill;
        if (fd[MEMCG_EVENTS_LOCAL] >= 0 && read_text(fd[MEMCG_EVENTS_LOCAL], buf, size, &n) == 0 &&
            parse_memcg_v2_events(buf, n, &local_max, &local_oom, &ignore_kill) == 0) {
                /* a child's storm is the child's alarm, not every ancestor's */
                const struct kv_field local_high = { "high", &m->local_high, NULL };
                (void)parse_kv(buf, (size_t)n, &local_high, 1);
                m->failcnt = local_max;
                m->local_oom = local_oom;
        }
        if ((r = read_text(fd[MEMCG_STAT], buf, size, &n)) < 0)
                return r;
        return parse_memcg_v2_stat(buf, n, &m->stat);
}

int memcg_read(const struct memcg_files *f, char *buf, size_t size, struct memcg_stats *ret) {
        struct memcg_stats m = {
                .version = f->version,
                .limit = BYTES_UNLIMITED,
                .high = BYTES_UNLIMITED,
                .swap_limit = BYTES_UNLIMITED,
        };
        int r;
        if (f->fd[MEMCG_USAGE] < 0)
                return -EBADF;
        if (f->version == CGROUP_V1)
                r = memcg_read_v1(f->fd, buf, size, &m);
        else if (f->version == CGROUP_V2)
                r = memcg_read_v2(f->fd, buf, size, &m);
        else
                r = -EINVAL;
        if (r >= 0)
                r = read_pressure(f->fd[MEMCG_PRESSURE], buf, size, &m);
        if (r < 0)
                return r;
        *ret = m;
        return 0;
}
