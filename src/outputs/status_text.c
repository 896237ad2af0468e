/* --status for people: the machine, then one table row per cgroup, the
 * closest to its limit first (fits `watch -n1 oomguard --status`). */
#include <string.h>

#include "policy/builtin_policy.h"
#include "sources/cgroup_identity.h"
#include "status_internal.h"
#include "util.h"

/* The CONTAINER and POD columns, shown only when a row has one. */
struct id_columns {
        size_t container, pod; /* widths; 0 = no column */
};

static void print_machine(const struct machine_view *m, FILE *out) {
        char a[32], b[32], c[32], d[32];
        if (m->has_mem)
                fprintf(out, "memory: total %s, available %s (%.1f%%), swap %s free of %s (%.1f%%)\n",
                        format_bytes(a, sizeof(a), m->mem.mem_total), format_bytes(b, sizeof(b), m->mem.mem_available),
                        m->mem_available_pct, format_bytes(c, sizeof(c), m->mem.swap_free),
                        format_bytes(d, sizeof(d), m->mem.swap_total), m->swap_free_pct);
        if (m->has_psi)
                fprintf(out,
                        "pressure: some avg10=%.2f avg60=%.2f avg300=%.2f  full avg10=%.2f avg60=%.2f avg300=%.2f\n",
                        m->psi.some.avg10, m->psi.some.avg60, m->psi.some.avg300, m->psi.full.avg10, m->psi.full.avg60,
                        m->psi.full.avg300);
        else
                fprintf(out, "pressure: not available (kernel without PSI or psi=0)\n");
        for (size_t i = 0; m->has_zones && i < m->zones.n_zones; i++) {
                const struct zone_watermarks *z = &m->zones.zones[i];
                fprintf(out, "zone %d %-8s free %llu pages  min %llu low %llu high %llu\n", z->node, z->name,
                        (unsigned long long)z->free_pages, (unsigned long long)z->min, (unsigned long long)z->low,
                        (unsigned long long)z->high);
        }
        if (m->has_zones)
                fprintf(out, "watermarks: %s\n",
                        m->worst_watermark == WATERMARK_NONE ? "every zone above high"
                                                             : watermark_level_to_string(m->worst_watermark));
        if (m->has_vmstat)
                fprintf(out, "kernel oom kills since boot: %llu\n", (unsigned long long)m->vm.oom_kill);
}

/* Bytes per second, with a sign. */
static const char *format_slope(char *buf, size_t size, double bytes_per_s) {
        char b[32];
        double abs = bytes_per_s < 0 ? -bytes_per_s : bytes_per_s;
        snprintf(buf, size, "%s%s", bytes_per_s <= -1024 ? "-" : "",
                 format_bytes(b, sizeof(b), abs < 1024 ? 0 : (uint64_t)abs));
        return buf;
}

static void print_header(size_t rule_width, const struct id_columns *ids, FILE *out) {
        fprintf(out, "%7s %9s %9s %9s %8s %9s %6s %5s %5s %3s %3s %-7s %-16s %9s %-*s ", "%LIMIT", "WORKING", "USAGE",
                "LIMIT", "FAIL/S", "GROWTH/S", "PSI", "OOMK", "PROCS", "D", "Z", "PID", "BIGGEST", "RSS",
                (int)rule_width, "RULE");
        if (ids->container)
                fprintf(out, "%-*s ", (int)ids->container, "CONTAINER");
        if (ids->pod)
                fprintf(out, "%-*s ", (int)ids->pod, "POD");
        fprintf(out, "CGROUP\n");
}

/* "containerd:3f1c0a9d4e5b" (a runtime and the id's first 12 digits, as
 * docker ps shows it), "5f8c1a2e burstable" (the pod UID's first 8). */
static void identity_text(const char *path, char *container, size_t csize, char *pod, size_t psize) {
        struct cgroup_identity ci;
        cgroup_identity_parse(path, &ci);
        if (ci.container_id[0])
                snprintf(container, csize, "%s%s%.12s", ci.runtime, ci.runtime[0] ? ":" : "", ci.container_id);
        else
                snprintf(container, csize, "-");
        if (ci.pod_uid[0])
                snprintf(pod, psize, "%.8s %s", ci.pod_uid, ci.qos);
        else
                snprintf(pod, psize, "-");
}

static struct id_columns id_columns_of(const struct status_view *v) {
        struct id_columns ids = { 0, 0 };
        char c[64], p[64];
        bool any_c = false, any_p = false;
        for (size_t i = 0; i < v->n_rows; i++) {
                identity_text(v->rows[i].cg->path, c, sizeof(c), p, sizeof(p));
                any_c |= c[0] != '-', any_p |= p[0] != '-';
                ids.container = strlen(c) > ids.container ? strlen(c) : ids.container;
                ids.pod = strlen(p) > ids.pod ? strlen(p) : ids.pod;
        }
        ids.container = any_c ? (ids.container > 9 ? ids.container : 9) : 0;
        ids.pod = any_p ? (ids.pod > 3 ? ids.pod : 3) : 0;
        return ids;
}

static void print_row(const struct status_row *row, size_t rule_width, const struct id_columns *ids, FILE *out) {
        const struct cgroup_view *v = row->cg;
        char path[4096], pct[16], ws[32], usage[32], limit[32], rate[16], slope[32], psi[16], comm[COMM_MAX];
        sanitize_copy(path, sizeof(path), v->path);
        const char *rule = row->rule ? row->rule : "-";
        if (!v->valid) {
                fprintf(out, "%7s vanished: %s\n", "-", path);
                return;
        }
        if (v->d.pct_of_limit >= 0)
                snprintf(pct, sizeof(pct), "%.1f%%", v->d.pct_of_limit);
        else
                snprintf(pct, sizeof(pct), "-");
        snprintf(rate, sizeof(rate), v->d.has_rates ? "%.1f" : "-", v->d.failcnt_rate);
        if (v->d.has_rates)
                format_slope(slope, sizeof(slope), v->d.usage_slope);
        else
                snprintf(slope, sizeof(slope), "-");
        snprintf(psi, sizeof(psi), v->stats.has_psi ? "%.2f" : "-", v->stats.psi.some.avg10);
        fprintf(out, "%7s %9s %9s %9s %8s %9s %6s %5llu ", pct, format_bytes(ws, sizeof(ws), v->d.working_set),
                format_bytes(usage, sizeof(usage), v->stats.usage), format_bytes(limit, sizeof(limit), v->stats.limit),
                rate, slope, psi, (unsigned long long)v->stats.oom_kill);
        const struct task_counts *t = &row->tasks;
        if (row->has_tasks)
                fprintf(out, "%5u %3u %3u ", t->processes, t->dstate, t->zombies);
        else
                fprintf(out, "%5s %3s %3s ", "-", "-", "-");
        sanitize_copy(comm, sizeof(comm), row->biggest.comm);
        if (row->has_tasks && row->biggest.pid)
                fprintf(out, "%-7d %-16s %9s ", (int)row->biggest.pid, comm,
                        format_bytes(usage, sizeof(usage), row->biggest.rss));
        else
                fprintf(out, "%-7s %-16s %9s ", "-", "-", "-");
        fprintf(out, "%-*s ", (int)rule_width, rule);
        if (ids->container || ids->pod) {
                char c[64], p[64];
                identity_text(v->path, c, sizeof(c), p, sizeof(p));
                if (ids->container)
                        fprintf(out, "%-*s ", (int)ids->container, c);
                if (ids->pod)
                        fprintf(out, "%-*s ", (int)ids->pod, p);
        }
        fprintf(out, "%s\n", path);
}

static void print_cgroups(const struct status_view *v, FILE *out) {
        fprintf(out, "%s: %zu", v->config ? "cgroups with a memory limit or a rule" : "cgroups with a memory limit",
                v->n_total);
        if (v->n_total)
                fprintf(out, ", the closest to its limit first");
        if (v->n_rows < v->n_total)
                fprintf(out, " (top %zu; --all for every one)", v->n_rows);
        fputc('\n', out);
        size_t rule_width = 4;
        for (size_t i = 0; i < v->n_rows; i++)
                if (v->rows[i].rule && strlen(v->rows[i].rule) > rule_width)
                        rule_width = strlen(v->rows[i].rule);
        struct id_columns ids = id_columns_of(v);
        if (v->n_rows)
                print_header(rule_width, &ids, out);
        for (size_t i = 0; i < v->n_rows; i++)
                print_row(&v->rows[i], rule_width, &ids, out);
}

static void print_decisions(const struct status_view *v, FILE *out) {
        if (!v->config) {
                fprintf(out, "would fire now: nothing (no policy)\n");
                return;
        }
        if (v->n_decisions == 0)
                fprintf(out, "would fire now: nothing\n");
        for (size_t i = 0; i < v->n_decisions; i++) {
                const struct decision *d = &v->decisions[i];
                char path[4096];
                sanitize_copy(path, sizeof(path), d->cgroup ? d->cgroup->path : "the machine");
                fprintf(out, "would fire now: rule %s on %s: %s (%s)\n", d->rule->name, path,
                        action_kind_to_string(d->action), d->reason);
        }
}

/* Sidecar mode: the container's own limit, which is what counts (the
 * machine's MemTotal below is the host's). */
static void print_sidecar(const struct self_cgroup *s, FILE *out) {
        char lim[32];
        if (s->limit == BYTES_UNLIMITED)
                snprintf(lim, sizeof(lim), "none");
        else
                format_bytes(lim, sizeof(lim), s->limit);
        fprintf(out, "sidecar: container cgroup %s (as /proc shows it: %s), limit %s\n", s->rel, s->proc_view, lim);
}

void status_print_text(const struct status_view *v, FILE *out) {
        const struct cgroup_mounts *m = v->mounts;
        fprintf(out, "cgroups: %s", m ? cgroup_layout_to_string(m->layout) : "none");
        if (m)
                fprintf(out, " (memory at %s%s%s)", m->memory_mount, m->unified_mount[0] ? ", cgroup2 at " : "",
                        m->unified_mount);
        fputc('\n', out);
        if (v->sidecar)
                print_sidecar(v->sidecar, out);
        print_machine(v->machine, out);
        fprintf(out, "process events: %s\n", v->process_events);
        if (v->hidden)
                fprintf(out, "processes: %s\n", v->hidden);
        if (v->config)
                fprintf(out, "policy: %s\n", v->config);
        else if (v->sidecar)
                fprintf(out, "policy: %s\n", BUILTIN_POLICY_NAME);
        else
                fprintf(out, "policy: none (%s does not exist; -c FILE names one)\n", v->default_config);
        print_cgroups(v, out);
        print_decisions(v, out);
        if (v->adjust)
                status_print_adjust_text(v, out);
}
