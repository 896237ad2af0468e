/* --status for people. */
#include "status_internal.h"
#include "sources/task_counts.h"
#include "util.h"

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

static void print_cgroup(const struct status_view *sv, const struct cgroup_view *v, FILE *out) {
        char a[32], b[32], c[32];
        const char *rule = v->rule_index >= 0 ? sv->policy->cgroups[v->rule_index].name : "-";
        if (!v->valid) {
                fprintf(out, "cgroup %s [%s]: vanished\n", v->path, rule);
                return;
        }
        fprintf(out, "cgroup %s [%s]: usage %s limit %s working set %s", v->path, rule,
                format_bytes(a, sizeof(a), v->stats.usage), format_bytes(b, sizeof(b), v->stats.limit),
                format_bytes(c, sizeof(c), v->d.working_set));
        if (v->d.pct_of_limit >= 0)
                fprintf(out, " (%.1f%% of limit)", v->d.pct_of_limit);
        fprintf(out, " failcnt %llu", (unsigned long long)v->stats.failcnt);
        if (v->d.has_rates)
                fprintf(out, " (%.1f/s) slope %.1f MiB/s", v->d.failcnt_rate, v->d.usage_slope / (1024.0 * 1024.0));
        fprintf(out, " oom_kill %llu", (unsigned long long)v->stats.oom_kill);
        if (v->stats.has_psi)
                fprintf(out, " psi some %.2f full %.2f", v->stats.psi.some.avg10, v->stats.psi.full.avg10);
        struct task_counts tc;
        char dir[4096];
        if (sv->mounts && path_join(dir, sizeof(dir), sv->mounts->memory_mount, v->path) == 0 &&
            task_counts_of_cgroup(sv->root, dir, &tc) == 0)
                fprintf(out, " tasks %u (threads %u, D %u, Z %u)", tc.processes, tc.threads, tc.dstate, tc.zombies);
        fputc('\n', out);
}

void status_print_text(const struct status_view *v, FILE *out) {
        const struct cgroup_mounts *m = v->mounts;
        fprintf(out, "cgroups: %s", m ? cgroup_layout_to_string(m->layout) : "none");
        if (m)
                fprintf(out, " (memory at %s%s%s)", m->memory_mount, m->unified_mount[0] ? ", cgroup2 at " : "",
                        m->unified_mount);
        fputc('\n', out);
        print_machine(v->machine, out);
        fprintf(out, "process events: %s\n", v->process_events);
        for (size_t i = 0; i < v->n_cgroups; i++)
                print_cgroup(v, &v->cgroups[i], out);
        if (v->n_decisions == 0)
                fprintf(out, "would fire now: nothing\n");
        for (size_t i = 0; i < v->n_decisions; i++) {
                const struct decision *d = &v->decisions[i];
                fprintf(out, "would fire now: rule %s on %s: %s (%s)\n", d->rule->name,
                        d->cgroup ? d->cgroup->path : "the machine", action_kind_to_string(d->action), d->reason);
        }
        if (v->adjust)
                status_print_adjust_text(v, out);
}
