/* --status --json: the same snapshot for scripts (fields: oomguard(8)). */
#include "json.h"
#include "sources/cgroup_identity.h"
#include "status_internal.h"
#include "util.h"

static void print_u64(FILE *out, const char *key, uint64_t v, bool comma) {
        if (v == BYTES_UNLIMITED)
                fprintf(out, "\"%s\":null%s", key, comma ? "," : "");
        else
                fprintf(out, "\"%s\":%llu%s", key, (unsigned long long)v, comma ? "," : "");
}

static void print_psi(FILE *out, const struct psi *p) {
        fprintf(out,
                "{\"some\":{\"avg10\":%.2f,\"avg60\":%.2f,\"avg300\":%.2f,\"total\":%llu},"
                "\"full\":{\"avg10\":%.2f,\"avg60\":%.2f,\"avg300\":%.2f,\"total\":%llu}}",
                p->some.avg10, p->some.avg60, p->some.avg300, (unsigned long long)p->some.total, p->full.avg10,
                p->full.avg60, p->full.avg300, (unsigned long long)p->full.total);
}

static void print_machine(const struct machine_view *m, FILE *out) {
        fputs("\"machine\":{", out);
        print_u64(out, "mem_total", m->mem.mem_total, true);
        print_u64(out, "mem_available", m->mem.mem_available, true);
        print_u64(out, "swap_total", m->mem.swap_total, true);
        print_u64(out, "swap_free", m->mem.swap_free, true);
        fprintf(out, "\"mem_available_pct\":%.2f,\"swap_free_pct\":%.2f,", m->mem_available_pct, m->swap_free_pct);
        fputs("\"psi\":", out);
        if (m->has_psi)
                print_psi(out, &m->psi);
        else
                fputs("null", out);
        fprintf(out, ",\"watermark\":\"%s\",\"zones\":[",
                m->worst_watermark == WATERMARK_NONE ? "ok" : watermark_level_to_string(m->worst_watermark));
        for (size_t i = 0; m->has_zones && i < m->zones.n_zones; i++) {
                const struct zone_watermarks *z = &m->zones.zones[i];
                fprintf(out, "%s{\"node\":%d,\"name\":", i ? "," : "", z->node);
                json_print_string(out, z->name);
                fprintf(out, ",\"free\":%llu,\"min\":%llu,\"low\":%llu,\"high\":%llu}",
                        (unsigned long long)z->free_pages, (unsigned long long)z->min, (unsigned long long)z->low,
                        (unsigned long long)z->high);
        }
        fputs("],", out);
        print_u64(out, "oom_kill", m->vm.oom_kill, false);
        fputs("}", out);
}

static void print_json_or_null(FILE *out, const char *key, const char *s, bool comma) {
        fprintf(out, "\"%s\":", key);
        if (s)
                json_print_string(out, s);
        else
                fputs("null", out);
        if (comma)
                fputc(',', out);
}

static void print_tasks(const struct status_row *row, FILE *out) {
        const struct task_counts *t = &row->tasks;
        if (!row->has_tasks) {
                fputs("\"tasks\":null,\"biggest\":null,", out);
                return;
        }
        fprintf(out, "\"tasks\":{\"processes\":%u,\"threads\":%u,\"dstate\":%u,\"zombies\":%u},", t->processes,
                t->threads, t->dstate, t->zombies);
        if (!row->biggest.pid) {
                fputs("\"biggest\":null,", out);
                return;
        }
        fprintf(out, "\"biggest\":{\"pid\":%d,\"comm\":", (int)row->biggest.pid);
        json_print_string(out, row->biggest.comm);
        fprintf(out, ",\"rss\":%llu},", (unsigned long long)row->biggest.rss);
}

/* "container":{"runtime":..,"id":..}, "pod":{"uid":..,"qos":..}, or null. */
static void print_identity(const char *path, FILE *out) {
        struct cgroup_identity ci;
        cgroup_identity_parse(path, &ci);
        if (ci.container_id[0]) {
                fputs("\"container\":{", out);
                print_json_or_null(out, "runtime", ci.runtime[0] ? ci.runtime : NULL, true);
                print_json_or_null(out, "id", ci.container_id, false);
                fputs("},", out);
        } else {
                fputs("\"container\":null,", out);
        }
        if (ci.pod_uid[0]) {
                fputs("\"pod\":{", out);
                print_json_or_null(out, "uid", ci.pod_uid, true);
                print_json_or_null(out, "qos", ci.qos, false);
                fputs("},", out);
        } else {
                fputs("\"pod\":null,", out);
        }
}

static void print_cgroup(const struct status_row *row, FILE *out) {
        const struct cgroup_view *v = row->cg;
        fputs("{", out);
        print_json_or_null(out, "path", v->path, true);
        print_json_or_null(out, "rule", row->rule, true);
        fprintf(out, "\"valid\":%s,", v->valid ? "true" : "false");
        print_u64(out, "usage", v->stats.usage, true);
        print_u64(out, "limit", v->stats.limit, true);
        print_u64(out, "working_set", v->d.working_set, true);
        print_u64(out, "failcnt", v->stats.failcnt, true);
        print_u64(out, "oom_kill", v->stats.oom_kill, true);
        if (v->d.pct_of_limit >= 0)
                fprintf(out, "\"percent_of_limit\":%.2f,", v->d.pct_of_limit);
        else
                fputs("\"percent_of_limit\":null,", out);
        if (v->d.has_rates)
                fprintf(out, "\"failcnt_rate\":%.2f,\"usage_slope\":%.0f,", v->d.failcnt_rate, v->d.usage_slope);
        else
                fputs("\"failcnt_rate\":null,\"usage_slope\":null,", out);
        print_tasks(row, out);
        print_identity(v->path, out);
        fputs("\"psi\":", out);
        if (v->stats.has_psi)
                print_psi(out, &v->stats.psi);
        else
                fputs("null", out);
        fputs("}", out);
}

/* "sidecar": the container's cgroup and its own limit (null: no limit),
 * or null outside sidecar mode. */
static void print_sidecar(const struct self_cgroup *s, FILE *out) {
        fputs("\"sidecar\":", out);
        if (!s) {
                fputs("null,", out);
                return;
        }
        fputs("{\"cgroup\":", out);
        json_print_string(out, s->rel);
        fputs(",\"proc_cgroup\":", out);
        json_print_string(out, s->proc_view);
        if (s->limit == BYTES_UNLIMITED)
                fputs(",\"limit_bytes\":null},", out);
        else
                fprintf(out, ",\"limit_bytes\":%llu},", (unsigned long long)s->limit);
}

void status_print_json(const struct status_view *v, FILE *out) {
        fprintf(out, "{\"layout\":\"%s\",\"process_events\":",
                v->mounts ? cgroup_layout_to_string(v->mounts->layout) : "none");
        json_print_string(out, v->process_events);
        fputc(',', out);
        print_json_or_null(out, "processes_hidden", v->hidden, true);
        print_json_or_null(out, "config", v->config, true);
        print_sidecar(v->sidecar, out);
        print_machine(v->machine, out);
        fprintf(out, ",\"cgroups_total\":%zu,\"cgroups\":[", v->n_total);
        for (size_t i = 0; i < v->n_rows; i++) {
                if (i)
                        fputc(',', out);
                print_cgroup(&v->rows[i], out);
        }
        fputs("],\"decisions\":[", out);
        for (size_t i = 0; i < v->n_decisions; i++) {
                const struct decision *d = &v->decisions[i];
                fprintf(out, "%s{\"rule\":", i ? "," : "");
                json_print_string(out, d->rule->name);
                fputs(",\"cgroup\":", out);
                json_print_string(out, d->cgroup ? d->cgroup->path : "/");
                fprintf(out, ",\"action\":\"%s\",\"reason\":", action_kind_to_string(d->action));
                json_print_string(out, d->reason);
                fputs("}", out);
        }
        fputs("]", out);
        if (v->adjust)
                status_print_adjust_json(v, out);
        fputs("}\n", out);
}
