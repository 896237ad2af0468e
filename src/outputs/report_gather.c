/* What a report can wait for, gathered after the action: the cgroup's
 * memory.stat and events and its usage now, the machine, freed_bytes,
 * the container and pod, the hostname; the walk of the scope is
 * report_tree.c. Never on the kill path: it reads files (~1 read a
 * process of the scope) but allocates nothing, in the caller's scratch. */
#include <string.h>
#include <unistd.h>

#include "report_internal.h"
#include "sources/kv.h"
#include "sources/memcg.h"
#include "sources/meminfo.h"
#include "sources/psi.h"
#include "sources/vmstat.h"
#include "sources/zoneinfo.h"
#include "util.h"

#define GATHER_BUF 16384 /* the part of the scratch files are read into */

size_t report_parse_kv(const char *buf, size_t len, struct report_kv *kv, size_t max) {
        const char *p = buf, *end = buf + len, *line, *key, *val;
        size_t n = 0, ll;
        while (n < max && kv_next_line(&p, end, &line, &ll)) {
                const char *q = line, *le = line + ll;
                size_t kl = kv_token(&q, le, &key);
                size_t vl = kv_token(&q, le, &val);
                const char *v = val;
                uint64_t value;
                if (kl == 0 || kl >= sizeof(kv->key) || vl == 0 || parse_u64_at(&v, val + vl, &value) < 0 ||
                    v != val + vl)
                        continue;
                memcpy(kv[n].key, key, kl);
                kv[n].key[kl] = '\0';
                kv[n].value = value;
                n++;
        }
        return n;
}

static size_t read_kv_file(const char *dir, const char *name, char *buf, size_t size, struct report_kv *kv,
                           size_t max) {
        ssize_t n = read_file_at(dir, name, buf, size);
        return n < 0 ? 0 : report_parse_kv(buf, (size_t)n, kv, max);
}

/* A kernel OOM kill: nobody read the cgroup at a decision; read it now. */
static void read_cgroup_stats(struct report_cgroup *c, const struct report_gather_args *a, char *buf, size_t size) {
        struct memcg_files f;
        if (memcg_open(a->version, a->cgroup_dir, a->psi_dir, &f) == 0 && memcg_read(&f, buf, size, &c->stats) == 0) {
                const struct memcg_stats *s = &c->stats;
                c->derived.working_set = s->usage > s->stat.inactive_file ? s->usage - s->stat.inactive_file : 0;
                c->derived.pct_of_limit = s->limit == BYTES_UNLIMITED
                                                  ? -1
                                                  : 100.0 * (double)c->derived.working_set / (double)s->limit;
                c->derived.bytes_left = s->limit == BYTES_UNLIMITED ? BYTES_UNLIMITED
                                        : s->limit > s->usage       ? s->limit - s->usage
                                                                    : 0;
        }
        memcg_close(&f);
}

static void gather_cgroup(struct report *r, const struct report_gather_args *a, char *buf, size_t size) {
        struct report_cgroup *c = &r->cgroup;
        bool v2 = a->version == CGROUP_V2;
        if (a->read_cgroup_stats)
                read_cgroup_stats(c, a, buf, size);
        c->n_stat = read_kv_file(a->cgroup_dir, "/memory.stat", buf, size, c->stat, REPORT_STAT_MAX);
        c->n_events = read_kv_file(a->cgroup_dir, v2 ? "/memory.events" : "/memory.oom_control", buf, size, c->events,
                                   REPORT_EVENTS_MAX);
        ssize_t n = read_file_at(a->cgroup_dir, v2 ? "/memory.current" : "/memory.usage_in_bytes", buf, size);
        c->has_usage_after = n > 0 && parse_u64_or_max(buf, (size_t)n, &c->usage_after) == 0;
}

/* The machine at the decision is the caller's (the snapshot's); without
 * it, the machine now. */
static void read_machine(struct machine_view *m, const char *root) {
        m->has_mem = read_meminfo(root, &m->mem) == 0;
        m->has_psi = read_psi(root, "/proc/pressure/memory", &m->psi) == 0;
        m->has_zones = read_zoneinfo(root, &m->zones) == 0;
        m->has_vmstat = read_vmstat(root, &m->vm) == 0;
        m->worst_watermark = m->has_zones ? zoneinfo_worst_level(&m->zones) : WATERMARK_NONE;
        if (m->has_mem && m->mem.mem_total)
                m->mem_available_pct = 100.0 * (double)m->mem.mem_available / (double)m->mem.mem_total;
        m->swap_free_pct = m->mem.swap_total ? 100.0 * (double)m->mem.swap_free / (double)m->mem.swap_total : 100;
}

/* What the action gave back: the cgroup's usage at the decision minus
 * now, or the machine's MemAvailable now minus at the decision. Only with
 * numbers of the decision to compare to. */
static void compute_freed(struct report *r, const struct report_gather_args *a, bool machine_given) {
        if (r->kind != REPORT_ACTION || r->has_freed)
                return;
        if (r->cgroup.has && !a->read_cgroup_stats && r->cgroup.has_usage_after) {
                r->freed_bytes = (int64_t)r->cgroup.stats.usage - (int64_t)r->cgroup.usage_after;
                r->has_freed = true;
        } else if (!r->cgroup.has && machine_given && r->has_mem_after) {
                r->freed_bytes = (int64_t)r->mem_available_after - (int64_t)r->machine.mem.mem_available;
                r->has_freed = true;
        }
}

int report_gather(struct report *r, const struct report_gather_args *a, char *scratch, size_t size) {
        uint64_t t0 = now_ns();
        if (size < GATHER_BUF + 64)
                return -EINVAL;
        const char *root = a->root ? a->root : "/";
        bool in_cgroup = r->cgroup.has && a->cgroup_dir;
        if (in_cgroup)
                gather_cgroup(r, a, scratch, GATHER_BUF);
        bool machine_given = r->machine.has_mem;
        if (!machine_given)
                read_machine(&r->machine, root);
        struct meminfo after;
        if ((r->has_mem_after = read_meminfo(root, &after) == 0))
                r->mem_available_after = after.mem_available;
        compute_freed(r, a, machine_given);
        if (r->cgroup.has && !r->identity.runtime[0] && !r->identity.pod_uid[0])
                (void)cgroup_identity_parse(r->cgroup.path, &r->identity);
        if (!r->hostname[0] && gethostname(r->hostname, sizeof(r->hostname) - 1) < 0)
                r->hostname[0] = '\0';
        struct report_gather_args walk = *a;
        walk.root = root;
        if (!in_cgroup)
                walk.cgroup_dir = NULL;
        int ret = report_walk_scope(r, &walk, scratch + GATHER_BUF, size - GATHER_BUF);
        r->gather_ns = now_ns() - t0;
        return ret;
}
