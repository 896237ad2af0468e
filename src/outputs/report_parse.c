/* A report file back into struct report, for --report: the mirror of
 * report_json.c, member by member (a unit test writes, reads and writes
 * again, and the two texts must be the same). A member that is missing or
 * null leaves its field cleared; members it does not know are ignored, so
 * that newer files with more fields still read. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json_parse.h"
#include "report_internal.h"
#include "util.h"

struct rd {
        struct json_doc d;
};

static int at(const struct rd *p, int obj, const char *k) { return json_member(&p->d, obj, k); }

static void get_str(const struct rd *p, int obj, const char *k, char *buf, size_t size) {
        json_string(&p->d, at(p, obj, k), buf, size);
}

static uint64_t get_u64(const struct rd *p, int obj, const char *k, uint64_t absent) {
        uint64_t v;
        return json_u64(&p->d, at(p, obj, k), &v) ? v : absent;
}

static int64_t get_i64(const struct rd *p, int obj, const char *k, int64_t absent) {
        int64_t v;
        return json_i64(&p->d, at(p, obj, k), &v) ? v : absent;
}

static int get_int(const struct rd *p, int obj, const char *k, int absent) {
        int64_t v = get_i64(p, obj, k, absent);
        return v >= INT32_MIN && v <= INT32_MAX ? (int)v : absent;
}

static double get_dbl(const struct rd *p, int obj, const char *k, double absent, bool *known) {
        double v;
        bool ok = json_double(&p->d, at(p, obj, k), &v);
        if (known)
                *known = ok;
        return ok ? v : absent;
}

static bool get_bool(const struct rd *p, int obj, const char *k) { return json_is(&p->d, at(p, obj, k), JSON_TRUE); }

static bool present(const struct rd *p, int i) { return i >= 0 && !json_is(&p->d, i, JSON_NULL); }

static char get_state(const struct rd *p, int obj, const char *k) {
        char s[8];
        get_str(p, obj, k, s, sizeof(s));
        return s[0];
}

static void get_time(const struct rd *p, int obj, const char *k, uint64_t *ns) {
        char s[64];
        get_str(p, obj, k, s, sizeof(s));
        if (!s[0] || report_parse_time(s, ns) < 0)
                *ns = 0;
}

static void read_pressure(const struct rd *p, int obj, bool *has, struct psi *psi) {
        int o = at(p, obj, "pressure");
        *has = json_is(&p->d, o, JSON_OBJECT);
        const char *names[2] = { "some", "full" };
        struct psi_line *lines[2] = { &psi->some, &psi->full };
        for (int i = 0; *has && i < 2; i++) {
                int l = at(p, o, names[i]);
                if (i == 1)
                        psi->has_full = present(p, l);
                lines[i]->avg10 = get_dbl(p, l, "avg10", 0, NULL);
                lines[i]->avg60 = get_dbl(p, l, "avg60", 0, NULL);
                lines[i]->avg300 = get_dbl(p, l, "avg300", 0, NULL);
                lines[i]->total = get_u64(p, l, "total", 0);
        }
}

static size_t read_kvs(const struct rd *p, int obj, const char *k, struct report_kv *kv, size_t max) {
        int o = at(p, obj, k);
        if (!json_is(&p->d, o, JSON_OBJECT))
                return 0;
        size_t n = 0, i = (size_t)o + 1;
        for (size_t m = 0; m < p->d.t[o].size && n < max && i + 1 < p->d.n; m++, i = p->d.t[i + 1].next) {
                json_string(&p->d, (int)i, kv[n].key, sizeof(kv[n].key));
                if (json_u64(&p->d, (int)i + 1, &kv[n].value))
                        n++;
        }
        return n;
}

static void read_victim(const struct rd *p, int root, struct report_victim *v) {
        int o = at(p, root, "victim");
        if (!(v->has = json_is(&p->d, o, JSON_OBJECT)))
                return;
        v->pid = (pid_t)get_int(p, o, "pid", 0);
        v->ppid = (pid_t)get_int(p, o, "ppid", 0);
        get_str(p, o, "comm", v->comm, sizeof(v->comm));
        get_str(p, o, "cmdline", v->cmdline, sizeof(v->cmdline));
        v->cmdline_cut = get_bool(p, o, "cmdline_cut");
        v->uid = (uid_t)get_u64(p, o, "uid", (uint64_t)(uid_t)-1); /* null: unknown */
        v->state = get_state(p, o, "state");
        v->rss_bytes = get_u64(p, o, "rss_bytes", 0);
        v->swap_bytes = get_u64(p, o, "swap_bytes", 0);
        v->oom_score = get_int(p, o, "oom_score", REPORT_UNKNOWN);
        v->oom_score_adj = get_int(p, o, "oom_score_adj", REPORT_UNKNOWN);
        get_time(p, o, "start_time", &v->start_time_ns);
        v->start_time_ticks = get_u64(p, o, "start_time_ticks", 0);
        v->gone = get_bool(p, o, "gone");
}

static void read_cgroup(const struct rd *p, int root, struct report_cgroup *c) {
        int o = at(p, root, "cgroup");
        if (!(c->has = json_is(&p->d, o, JSON_OBJECT)))
                return;
        struct memcg_stats *s = &c->stats;
        get_str(p, o, "path", c->path, sizeof(c->path));
        s->version = (enum cgroup_version)get_u64(p, o, "version", 0);
        s->usage = get_u64(p, o, "usage_bytes", BYTES_UNLIMITED);
        s->limit = get_u64(p, o, "limit_bytes", BYTES_UNLIMITED);
        s->high = get_u64(p, o, "high_bytes", BYTES_UNLIMITED);
        s->swap_usage = get_u64(p, o, "swap_bytes", BYTES_UNLIMITED);
        s->swap_limit = get_u64(p, o, "swap_limit_bytes", BYTES_UNLIMITED);
        c->derived.working_set = get_u64(p, o, "working_set_bytes", 0);
        c->derived.pct_of_limit = get_dbl(p, o, "percent_of_limit", -1, NULL);
        s->failcnt = get_u64(p, o, "failcnt", 0);
        c->derived.failcnt_rate = get_dbl(p, o, "failcnt_rate", 0, &c->derived.has_rates);
        c->derived.time_to_limit_s = get_dbl(p, o, "time_to_limit_s", -1, NULL);
        s->oom = get_u64(p, o, "oom", 0);
        s->oom_kill = get_u64(p, o, "oom_kill", 0);
        c->usage_after = get_u64(p, o, "usage_after_bytes", BYTES_UNLIMITED);
        c->has_usage_after = c->usage_after != BYTES_UNLIMITED;
        if (!c->has_usage_after)
                c->usage_after = 0;
        c->n_stat = read_kvs(p, o, "stat", c->stat, REPORT_STAT_MAX);
        c->n_events = read_kvs(p, o, "events", c->events, REPORT_EVENTS_MAX);
        read_pressure(p, o, &s->has_psi, &s->psi);
}

static void read_identity(const struct rd *p, int root, struct cgroup_identity *id) {
        int c = at(p, root, "container"), pod = at(p, root, "pod");
        get_str(p, c, "runtime", id->runtime, sizeof(id->runtime));
        get_str(p, c, "id", id->container_id, sizeof(id->container_id));
        get_str(p, pod, "uid", id->pod_uid, sizeof(id->pod_uid));
        get_str(p, pod, "qos", id->qos, sizeof(id->qos));
}

static void read_zones(const struct rd *p, int o, struct machine_view *m) {
        static const char *const levels[] = { "ok", "min", "low", "high" };
        char w[16];
        get_str(p, o, "watermark", w, sizeof(w));
        m->has_zones = w[0] != '\0';
        for (unsigned i = 0; i < ELEMENTSOF(levels); i++)
                if (strcmp(w, levels[i]) == 0)
                        m->worst_watermark = (enum watermark_level)i;
        int a = at(p, o, "watermarks");
        for (size_t i = 0; i < json_length(&p->d, a) && m->zones.n_zones < ZONEINFO_MAX_ZONES; i++) {
                int z = json_element(&p->d, a, i);
                struct zone_watermarks *zw = &m->zones.zones[m->zones.n_zones++];
                zw->node = get_int(p, z, "node", 0);
                get_str(p, z, "zone", zw->name, sizeof(zw->name));
                zw->free_pages = get_u64(p, z, "free_pages", 0);
                zw->min = get_u64(p, z, "min_pages", 0);
                zw->low = get_u64(p, z, "low_pages", 0);
                zw->high = get_u64(p, z, "high_pages", 0);
        }
}

static void read_machine(const struct rd *p, int root, struct report *r) {
        int o = at(p, root, "machine");
        struct machine_view *m = &r->machine;
        m->has_mem = present(p, at(p, o, "mem_total_bytes"));
        m->mem.mem_total = get_u64(p, o, "mem_total_bytes", 0);
        m->mem.mem_available = get_u64(p, o, "mem_available_bytes", 0);
        m->mem.swap_total = get_u64(p, o, "swap_total_bytes", 0);
        m->mem.swap_free = get_u64(p, o, "swap_free_bytes", 0);
        r->has_mem_after = present(p, at(p, o, "mem_available_after_bytes"));
        r->mem_available_after = get_u64(p, o, "mem_available_after_bytes", 0);
        read_pressure(p, o, &m->has_psi, &m->psi);
        read_zones(p, o, m);
        m->has_vmstat = present(p, at(p, o, "oom_kill"));
        m->vm.oom_kill = get_u64(p, o, "oom_kill", 0);
}

static void read_tasks(const struct rd *p, int root, struct report *r) {
        int o = at(p, root, "tasks");
        char when[16];
        if (!(r->has_tasks = json_is(&p->d, o, JSON_OBJECT)))
                return;
        r->tasks.processes = (unsigned)get_u64(p, o, "processes", 0);
        r->tasks.threads = (unsigned)get_u64(p, o, "threads", 0);
        r->tasks.dstate = (unsigned)get_u64(p, o, "d_state", 0);
        r->tasks.zombies = (unsigned)get_u64(p, o, "zombies", 0);
        get_str(p, o, "counted", when, sizeof(when));
        r->tasks_after = strcmp(when, "after") == 0;
}

static enum report_relation relation_of(const char *s) {
        static const char *const names[] = { "", "ancestor", "victim", "descendant", "group" };
        for (unsigned i = 1; i < ELEMENTSOF(names); i++)
                if (strcmp(s, names[i]) == 0)
                        return (enum report_relation)i;
        return REPORT_REL_NONE;
}

static size_t read_procs(const struct rd *p, int root, const char *k, struct report_proc *out, size_t max) {
        int a = at(p, root, k);
        size_t n = 0;
        for (; n < json_length(&p->d, a) && n < max; n++) {
                int e = json_element(&p->d, a, n);
                char rel[16];
                struct report_proc *q = &out[n];
                q->pid = (pid_t)get_int(p, e, "pid", 0);
                q->ppid = (pid_t)get_int(p, e, "ppid", 0);
                get_str(p, e, "comm", q->comm, sizeof(q->comm));
                q->state = get_state(p, e, "state");
                q->rss_bytes = get_u64(p, e, "rss_bytes", 0);
                q->oom_score = get_int(p, e, "oom_score", REPORT_UNKNOWN);
                q->oom_score_adj = get_int(p, e, "oom_score_adj", REPORT_UNKNOWN);
                get_str(p, e, "relation", rel, sizeof(rel));
                q->relation = relation_of(rel);
        }
        return n;
}

static void read_candidates(const struct rd *p, int root, struct report *r) {
        int a = at(p, root, "candidates");
        for (; r->n_candidates < json_length(&p->d, a) && r->n_candidates < REPORT_CANDIDATES_MAX; r->n_candidates++) {
                int e = json_element(&p->d, a, r->n_candidates);
                struct report_candidate *c = &r->candidates[r->n_candidates];
                c->pid = (pid_t)get_int(p, e, "pid", 0);
                get_str(p, e, "comm", c->comm, sizeof(c->comm));
                c->score = get_int(p, e, "score", 0);
                get_str(p, e, "why", c->why, sizeof(c->why));
        }
}

static void read_kernel(const struct rd *p, int root, struct report_kernel *k) {
        int o = at(p, root, "kernel");
        get_str(p, o, "constraint", k->constraint, sizeof(k->constraint));
        get_str(p, o, "oom_memcg", k->oom_memcg, sizeof(k->oom_memcg));
        get_str(p, o, "task_memcg", k->task_memcg, sizeof(k->task_memcg));
        k->total_vm_kb = get_u64(p, o, "total_vm_bytes", 0) / 1024;
        k->anon_rss_kb = get_u64(p, o, "anon_rss_bytes", 0) / 1024;
        k->file_rss_kb = get_u64(p, o, "file_rss_bytes", 0) / 1024;
        k->shmem_rss_kb = get_u64(p, o, "shmem_rss_bytes", 0) / 1024;
        k->pgtables_kb = get_u64(p, o, "pgtables_bytes", 0) / 1024;
        k->oom_score_adj = get_int(p, o, "oom_score_adj", 0);
        k->kmsg_usec = get_u64(p, o, "kmsg_usec", 0);
}

static void read_reclaim(const struct rd *p, int root, struct report_reclaim *rc) {
        int o = at(p, root, "reclaim");
        if (!present(p, o))
                return;
        rc->has = true;
        rc->reclaimed_bytes = get_u64(p, o, "reclaimed_bytes", 0);
        rc->asked_bytes = get_u64(p, o, "asked_bytes", 0);
        rc->v1_limit = get_u64(p, o, "v1_limit_bytes", 0);
        double ms = get_dbl(p, o, "ms", 0, NULL);
        rc->ns = ms > 0 && ms < 1.8e13 ? (uint64_t)llround(ms * 1e6) : ms > 0 ? UINT64_MAX : 0;
        rc->escalated = get_bool(p, o, "escalated");
}

static bool read_head(const struct rd *p, struct report *r) {
        char kind[32];
        get_str(p, 0, "kind", kind, sizeof(kind));
        for (int k = REPORT_ACTION; k <= REPORT_WARNING; k++)
                if (strcmp(kind, report_kind_to_string((enum report_kind)k)) == 0) {
                        r->kind = (enum report_kind)k;
                        get_str(p, 0, "id", r->id, sizeof(r->id));
                        get_time(p, 0, "time", &r->time_ns);
                        get_str(p, 0, "hostname", r->hostname, sizeof(r->hostname));
                        get_str(p, 0, "rule", r->rule, sizeof(r->rule));
                        get_str(p, 0, "action", r->action, sizeof(r->action));
                        r->dry_run = get_bool(p, 0, "dry_run");
                        get_str(p, 0, "reason", r->reason, sizeof(r->reason));
                        get_str(p, 0, "outcome", r->outcome, sizeof(r->outcome));
                        get_str(p, 0, "wakeup", r->wakeup, sizeof(r->wakeup));
                        return true;
                }
        return false;
}

int report_parse(const char *text, size_t len, struct json_token *tokens, size_t n_tokens, struct report *r, char *err,
                 size_t err_size) {
        int n = json_parse(text, len, tokens, n_tokens);
        struct rd p = { .d = { .text = text, .t = tokens, .n = n > 0 ? (size_t)n : 0 } };
        memset(r, 0, sizeof(*r));
        if (n < 0) {
                snprintf(err, err_size, "%s", n == -ENOBUFS ? "too many JSON values" : "not valid JSON");
                return -EBADMSG;
        }
        if (!json_is(&p.d, 0, JSON_OBJECT) || get_u64(&p, 0, "version", 0) < 1 || !read_head(&p, r)) {
                snprintf(err, err_size, "not an oomguard report (no version or kind)");
                return -EBADMSG;
        }
        read_victim(&p, 0, &r->victim);
        read_cgroup(&p, 0, &r->cgroup);
        read_identity(&p, 0, &r->identity);
        read_machine(&p, 0, r);
        read_tasks(&p, 0, r);
        r->scope_processes = (unsigned)get_u64(&p, 0, "scope_processes", 0);
        r->n_top = read_procs(&p, 0, "top", r->top, REPORT_TOP_MAX);
        read_candidates(&p, 0, r);
        r->n_tree = read_procs(&p, 0, "tree", r->tree, REPORT_TREE_MAX);
        r->tree_cut = get_bool(&p, 0, "tree_cut");
        r->has_freed = present(&p, at(&p, 0, "freed_bytes"));
        r->freed_bytes = get_i64(&p, 0, "freed_bytes", 0);
        read_reclaim(&p, 0, &r->reclaim);
        double ms = get_dbl(&p, 0, "gather_ms", 0, NULL);
        r->gather_ns = ms > 0 && ms < 1.8e13 ? (uint64_t)llround(ms * 1e6) : ms > 0 ? UINT64_MAX : 0;
        if (r->kind == REPORT_KERNEL_OOM_KILL)
                read_kernel(&p, 0, &r->kernel);
        return 0;
}
