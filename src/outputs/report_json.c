/* A report as JSON text in the caller's buffer: one object, the fields of
 * oomguard(8), REPORTS (the contract; report_parse.c reads it back). Pure
 * and bounded: every string is escaped (json.c), every array is sized by
 * report.h, and REPORT_JSON_MAX holds the largest. */
#include <inttypes.h>
#include <math.h>

#include "json.h"
#include "report_internal.h"

static void key(struct json_buf *b, const char *k) { json_buf_printf(b, "\"%s\":", k); }

static void str(struct json_buf *b, const char *k, const char *v) {
        key(b, k);
        json_buf_string(b, v);
        json_buf_raw(b, ",");
}

static void str_or_null(struct json_buf *b, const char *k, const char *v) {
        if (v && *v)
                str(b, k, v);
        else
                json_buf_printf(b, "\"%s\":null,", k);
}

static void u64(struct json_buf *b, const char *k, uint64_t v) { json_buf_printf(b, "\"%s\":%" PRIu64 ",", k, v); }

/* BYTES_UNLIMITED (no limit, not known) is null. */
static void bytes(struct json_buf *b, const char *k, uint64_t v) {
        if (v == BYTES_UNLIMITED)
                json_buf_printf(b, "\"%s\":null,", k);
        else
                u64(b, k, v);
}

static void i64(struct json_buf *b, const char *k, int64_t v) { json_buf_printf(b, "\"%s\":%" PRId64 ",", k, v); }

static void score(struct json_buf *b, const char *k, int v) {
        if (v == REPORT_UNKNOWN)
                json_buf_printf(b, "\"%s\":null,", k);
        else
                i64(b, k, v);
}

static void dbl(struct json_buf *b, const char *k, double v, bool known) {
        if (known && isfinite(v))
                json_buf_printf(b, "\"%s\":%.2f,", k, v);
        else
                json_buf_printf(b, "\"%s\":null,", k);
}

static void boolean(struct json_buf *b, const char *k, bool v) {
        json_buf_printf(b, "\"%s\":%s,", k, v ? "true" : "false");
}

static void state(struct json_buf *b, const char *k, char c) {
        char s[2] = { c, 0 };
        str_or_null(b, k, s);
}

/* Drops the ',' after the last member, then closes the object or array. */
static void end(struct json_buf *b, char c) {
        if (!b->overflow && b->len && b->buf[b->len - 1] == ',')
                b->buf[--b->len] = '\0';
        char s[3] = { c, ',', 0 };
        json_buf_raw(b, s);
}

static void psi_line(struct json_buf *b, const char *k, const struct psi_line *l) {
        key(b, k);
        json_buf_raw(b, "{");
        dbl(b, "avg10", l->avg10, true);
        dbl(b, "avg60", l->avg60, true);
        dbl(b, "avg300", l->avg300, true);
        u64(b, "total", l->total);
        end(b, '}');
}

static void pressure(struct json_buf *b, bool has, const struct psi *p) {
        key(b, "pressure");
        if (!has) {
                json_buf_raw(b, "null,");
                return;
        }
        json_buf_raw(b, "{");
        psi_line(b, "some", &p->some);
        if (p->has_full)
                psi_line(b, "full", &p->full);
        else
                json_buf_raw(b, "\"full\":null,");
        end(b, '}');
}

static void kvs(struct json_buf *b, const char *k, const struct report_kv *kv, size_t n) {
        key(b, k);
        json_buf_raw(b, "{");
        for (size_t i = 0; i < n; i++) { /* a kernel's key: escaped like any text */
                json_buf_string(b, kv[i].key);
                json_buf_printf(b, ":%" PRIu64 ",", kv[i].value);
        }
        end(b, '}');
}

static void victim(struct json_buf *b, const struct report_victim *v) {
        char t[40];
        key(b, "victim");
        if (!v->has) {
                json_buf_raw(b, "null,");
                return;
        }
        json_buf_raw(b, "{");
        i64(b, "pid", v->pid);
        i64(b, "ppid", v->ppid);
        str(b, "comm", v->comm);
        str(b, "cmdline", v->cmdline);
        boolean(b, "cmdline_cut", v->cmdline_cut);
        if (v->uid == (uid_t)-1) /* not known (a kernel kill whose line had no UID) */
                json_buf_printf(b, "\"uid\":null,");
        else
                u64(b, "uid", v->uid);
        state(b, "state", v->state);
        u64(b, "rss_bytes", v->rss_bytes);
        u64(b, "swap_bytes", v->swap_bytes);
        score(b, "oom_score", v->oom_score);
        score(b, "oom_score_adj", v->oom_score_adj);
        report_format_time(v->start_time_ns, false, t, sizeof(t));
        str_or_null(b, "start_time", v->start_time_ns ? t : NULL);
        u64(b, "start_time_ticks", v->start_time_ticks);
        boolean(b, "gone", v->gone);
        end(b, '}');
}

static void cgroup(struct json_buf *b, const struct report_cgroup *c) {
        const struct memcg_stats *s = &c->stats;
        key(b, "cgroup");
        if (!c->has) {
                json_buf_raw(b, "null,");
                return;
        }
        json_buf_raw(b, "{");
        str(b, "path", c->path);
        u64(b, "version", s->version);
        bytes(b, "usage_bytes", s->usage);
        bytes(b, "limit_bytes", s->limit);
        bytes(b, "high_bytes", s->high);
        bytes(b, "swap_bytes", s->swap_usage);
        bytes(b, "swap_limit_bytes", s->swap_limit);
        u64(b, "working_set_bytes", c->derived.working_set);
        dbl(b, "percent_of_limit", c->derived.pct_of_limit, c->derived.pct_of_limit >= 0);
        u64(b, "failcnt", s->failcnt);
        dbl(b, "failcnt_rate", c->derived.failcnt_rate, c->derived.has_rates);
        dbl(b, "time_to_limit_s", c->derived.time_to_limit_s, c->derived.time_to_limit_s >= 0);
        u64(b, "oom", s->oom);
        u64(b, "oom_kill", s->oom_kill);
        bytes(b, "usage_after_bytes", c->has_usage_after ? c->usage_after : BYTES_UNLIMITED);
        kvs(b, "stat", c->stat, c->n_stat < REPORT_STAT_MAX ? c->n_stat : REPORT_STAT_MAX);
        kvs(b, "events", c->events, c->n_events < REPORT_EVENTS_MAX ? c->n_events : REPORT_EVENTS_MAX);
        pressure(b, s->has_psi, &s->psi);
        end(b, '}');
}

static void identity(struct json_buf *b, const struct cgroup_identity *id) {
        key(b, "container");
        if (id->runtime[0]) {
                json_buf_raw(b, "{");
                str(b, "runtime", id->runtime);
                str_or_null(b, "id", id->container_id);
                end(b, '}');
        } else {
                json_buf_raw(b, "null,");
        }
        key(b, "pod");
        if (id->pod_uid[0]) {
                json_buf_raw(b, "{");
                str(b, "uid", id->pod_uid);
                str_or_null(b, "qos", id->qos);
                end(b, '}');
        } else {
                json_buf_raw(b, "null,");
        }
}

static void watermarks(struct json_buf *b, const struct machine_view *m) {
        static const char *const levels[] = { "ok", "min", "low", "high" };
        unsigned w = (unsigned)m->worst_watermark;
        str_or_null(b, "watermark", m->has_zones && w < 4 ? levels[w] : NULL);
        key(b, "watermarks");
        json_buf_raw(b, "[");
        for (size_t i = 0; m->has_zones && i < m->zones.n_zones; i++) {
                const struct zone_watermarks *z = &m->zones.zones[i];
                json_buf_raw(b, "{");
                i64(b, "node", z->node);
                str(b, "zone", z->name);
                u64(b, "free_pages", z->free_pages);
                u64(b, "min_pages", z->min);
                u64(b, "low_pages", z->low);
                u64(b, "high_pages", z->high);
                end(b, '}');
        }
        end(b, ']');
}

static void machine(struct json_buf *b, const struct report *r) {
        const struct machine_view *m = &r->machine;
        uint64_t none = BYTES_UNLIMITED;
        key(b, "machine");
        json_buf_raw(b, "{");
        bytes(b, "mem_total_bytes", m->has_mem ? m->mem.mem_total : none);
        bytes(b, "mem_available_bytes", m->has_mem ? m->mem.mem_available : none);
        bytes(b, "swap_total_bytes", m->has_mem ? m->mem.swap_total : none);
        bytes(b, "swap_free_bytes", m->has_mem ? m->mem.swap_free : none);
        bytes(b, "mem_available_after_bytes", r->has_mem_after ? r->mem_available_after : none);
        pressure(b, m->has_psi, &m->psi);
        watermarks(b, m);
        bytes(b, "oom_kill", m->has_vmstat ? m->vm.oom_kill : none);
        end(b, '}');
}

static void tasks(struct json_buf *b, const struct report *r) {
        key(b, "tasks");
        if (!r->has_tasks) {
                json_buf_raw(b, "null,");
                return;
        }
        json_buf_raw(b, "{");
        u64(b, "processes", r->tasks.processes);
        u64(b, "threads", r->tasks.threads);
        u64(b, "d_state", r->tasks.dstate);
        u64(b, "zombies", r->tasks.zombies);
        str(b, "counted", r->tasks_after ? "after" : "decision");
        end(b, '}');
}

static const char *relation_name(enum report_relation rel) {
        static const char *const names[] = { "", "ancestor", "victim", "descendant", "group" };
        return (unsigned)rel < 5 ? names[rel] : "";
}

static void procs(struct json_buf *b, const char *k, const struct report_proc *p, size_t n, bool tree) {
        key(b, k);
        json_buf_raw(b, "[");
        for (size_t i = 0; i < n; i++) {
                json_buf_raw(b, "{");
                i64(b, "pid", p[i].pid);
                if (tree)
                        i64(b, "ppid", p[i].ppid);
                str(b, "comm", p[i].comm);
                if (tree)
                        state(b, "state", p[i].state);
                u64(b, "rss_bytes", p[i].rss_bytes);
                if (tree) {
                        str(b, "relation", relation_name(p[i].relation));
                } else {
                        score(b, "oom_score", p[i].oom_score);
                        score(b, "oom_score_adj", p[i].oom_score_adj);
                }
                end(b, '}');
        }
        end(b, ']');
}

static void candidates(struct json_buf *b, const struct report *r) {
        key(b, "candidates");
        json_buf_raw(b, "[");
        for (size_t i = 0; i < r->n_candidates && i < REPORT_CANDIDATES_MAX; i++) {
                const struct report_candidate *c = &r->candidates[i];
                json_buf_raw(b, "{");
                i64(b, "pid", c->pid);
                str(b, "comm", c->comm);
                i64(b, "score", c->score);
                str(b, "why", c->why);
                end(b, '}');
        }
        end(b, ']');
}

static void kernel(struct json_buf *b, const struct report_kernel *k) {
        key(b, "kernel");
        json_buf_raw(b, "{");
        str(b, "constraint", k->constraint);
        str_or_null(b, "oom_memcg", k->oom_memcg);
        str_or_null(b, "task_memcg", k->task_memcg);
        u64(b, "total_vm_bytes", k->total_vm_kb * 1024);
        u64(b, "anon_rss_bytes", k->anon_rss_kb * 1024);
        u64(b, "file_rss_bytes", k->file_rss_kb * 1024);
        u64(b, "shmem_rss_bytes", k->shmem_rss_kb * 1024);
        u64(b, "pgtables_bytes", k->pgtables_kb * 1024);
        i64(b, "oom_score_adj", k->oom_score_adj);
        u64(b, "kmsg_usec", k->kmsg_usec);
        end(b, '}');
}

static void reclaim(struct json_buf *b, const struct report_reclaim *rc) {
        if (!rc->has)
                return;
        key(b, "reclaim");
        json_buf_raw(b, "{");
        u64(b, "reclaimed_bytes", rc->reclaimed_bytes);
        u64(b, "asked_bytes", rc->asked_bytes);
        if (rc->v1_limit)
                u64(b, "v1_limit_bytes", rc->v1_limit);
        else
                json_buf_raw(b, "\"v1_limit_bytes\":null,");
        dbl(b, "ms", (double)rc->ns / 1e6, true);
        boolean(b, "escalated", rc->escalated);
        end(b, '}');
}

static void head(struct json_buf *b, const struct report *r) {
        char t[40];
        json_buf_raw(b, "{");
        u64(b, "version", REPORT_VERSION);
        str(b, "kind", report_kind_to_string(r->kind));
        str(b, "id", r->id);
        report_format_time(r->time_ns, false, t, sizeof(t));
        str(b, "time", t);
        str_or_null(b, "hostname", r->hostname);
        str_or_null(b, "rule", r->rule);
        str(b, "action", r->action);
        boolean(b, "dry_run", r->dry_run);
        str(b, "reason", r->reason);
        str(b, "outcome", r->outcome);
        str(b, "wakeup", r->wakeup);
        str(b, "scope", r->cgroup.has ? "cgroup" : "machine");
}

int report_json(const struct report *r, char *buf, size_t size) {
        struct json_buf b;
        json_buf_init(&b, buf, size);
        head(&b, r);
        victim(&b, &r->victim);
        cgroup(&b, &r->cgroup);
        identity(&b, &r->identity);
        machine(&b, r);
        tasks(&b, r);
        u64(&b, "scope_processes", r->scope_processes);
        procs(&b, "top", r->top, r->n_top < REPORT_TOP_MAX ? r->n_top : REPORT_TOP_MAX, false);
        candidates(&b, r);
        procs(&b, "tree", r->tree, r->n_tree < REPORT_TREE_MAX ? r->n_tree : REPORT_TREE_MAX, true);
        boolean(&b, "tree_cut", r->tree_cut);
        if (r->has_freed)
                i64(&b, "freed_bytes", r->freed_bytes);
        else
                json_buf_raw(&b, "\"freed_bytes\":null,");
        reclaim(&b, &r->reclaim);
        dbl(&b, "gather_ms", (double)r->gather_ns / 1e6, true);
        if (r->kind == REPORT_KERNEL_OOM_KILL)
                kernel(&b, &r->kernel);
        end(&b, '}');
        if (!b.overflow && b.len) /* the last close's ',' becomes the end of line */
                b.buf[b.len - 1] = '\n';
        return b.overflow ? -ENOBUFS : (int)b.len;
}
