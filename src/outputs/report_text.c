/* A report for a person (oomguard --report last|ID): what fired and why,
 * the victim and its tree, the cgroup against its limit, the machine, the
 * top processes, the candidates, what was freed; and the one line of
 * --report list. Every string from the file goes through
 * report_text_safe(): a process may name itself with terminal escapes. */
#include <inttypes.h>
#include <string.h>

#include "report_internal.h"
#include "util.h"

#define SAFE_MAX 4096

const char *report_text_safe(const char *s, char *buf, size_t size) {
        size_t n = 0;
        for (const unsigned char *p = (const unsigned char *)s; *p && n + 1 < size;) {
                size_t k = *p < 0x80                 ? 1
                           : *p >= 0xc2 && *p < 0xe0 ? 2
                           : *p >= 0xe0 && *p < 0xf0 ? 3
                           : *p >= 0xf0 && *p < 0xf5 ? 4
                                                     : 0;
                bool valid = k > 0;
                for (size_t i = 1; valid && i < k; i++)
                        valid = (p[i] & 0xc0) == 0x80;
                bool control = valid && ((k == 1 && (*p < 0x20 || *p == 0x7f)) ||
                                         (k == 2 && p[0] == 0xc2 && p[1] < 0xa0)); /* C1: a CSI is U+009B */
                if (!valid || control || n + k >= size) {
                        buf[n++] = '?';
                        p += valid ? k : 1;
                        continue;
                }
                memcpy(buf + n, p, k);
                n += k;
                p += k;
        }
        buf[n] = '\0';
        return buf;
}

/* "-1.5MiB" for a negative count of bytes. */
static const char *signed_bytes(char *buf, size_t size, int64_t v) {
        char b[32];
        snprintf(buf, size, "%s%s", v < 0 ? "-" : "", format_bytes(b, sizeof(b), v < 0 ? (uint64_t)-v : (uint64_t)v));
        return buf;
}

/* A state letter from the file, printable or '-'. */
static char state_char(char c) { return c > ' ' && c < 0x7f ? c : '-'; }

static const char *score_text(char *buf, size_t size, int v) {
        if (v == REPORT_UNKNOWN)
                snprintf(buf, size, "-");
        else
                snprintf(buf, size, "%d", v);
        return buf;
}

static void print_head(const struct report *r, const char *file, FILE *out) {
        char s[SAFE_MAX], t[40], a[64];
        fprintf(out, "%s report %s", report_kind_to_string(r->kind), report_text_safe(r->id, s, sizeof(s)));
        if (r->hostname[0])
                fprintf(out, " on %s", report_text_safe(r->hostname, s, sizeof(s)));
        fputc('\n', out);
        if (file)
                fprintf(out, "  file      %s\n", report_text_safe(file, s, sizeof(s)));
        report_format_time(r->time_ns, false, t, sizeof(t));
        fprintf(out, "  time      %s\n", t);
        if (r->rule[0])
                fprintf(out, "  rule      %s: %s%s\n", report_text_safe(r->rule, s, sizeof(s)),
                        report_text_safe(r->action, a, sizeof(a)), r->dry_run ? " (dry run: nothing was done)" : "");
        else if (r->action[0])
                fprintf(out, "  action    %s\n", report_text_safe(r->action, s, sizeof(s)));
        if (r->reason[0])
                fprintf(out, "  reason    %s\n", report_text_safe(r->reason, s, sizeof(s)));
        if (r->wakeup[0])
                fprintf(out, "  woken by  %s\n", report_text_safe(r->wakeup, s, sizeof(s)));
        if (r->outcome[0])
                fprintf(out, "  outcome   %s\n", report_text_safe(r->outcome, s, sizeof(s)));
        if (r->has_freed)
                fprintf(out, "  freed     %s (%s)\n", signed_bytes(t, sizeof(t), r->freed_bytes),
                        r->cgroup.has ? "the cgroup's usage at the decision minus after the action"
                                      : "MemAvailable after the action minus at the decision");
        const struct report_reclaim *rc = &r->reclaim;
        char b[32];
        if (rc->has)
                fprintf(out, "  reclaimed %s of %s asked in %.1f ms (%s%s), %s\n",
                        format_bytes(a, sizeof(a), rc->reclaimed_bytes), format_bytes(b, sizeof(b), rc->asked_bytes),
                        (double)rc->ns / 1e6, rc->v1_limit ? "limit stepped to " : "memory.reclaim",
                        rc->v1_limit ? format_bytes(t, sizeof(t), rc->v1_limit) : "",
                        rc->escalated ? "still over its thresholds: escalated" : "under its thresholds: no action");
}

static void print_victim(const struct report *r, FILE *out) {
        const struct report_victim *v = &r->victim;
        char s[SAFE_MAX], a[32], b[32], c[16], d[16], t[40];
        if (!v->has)
                return;
        fprintf(out, "\nvictim     pid %d (%s), uid %u, state %c, rss %s, swap %s, oom_score %s, oom_score_adj %s\n",
                (int)v->pid, report_text_safe(v->comm, s, sizeof(s)), (unsigned)v->uid, state_char(v->state),
                format_bytes(a, sizeof(a), v->rss_bytes), format_bytes(b, sizeof(b), v->swap_bytes),
                score_text(c, sizeof(c), v->oom_score), score_text(d, sizeof(d), v->oom_score_adj));
        report_format_time(v->start_time_ns, false, t, sizeof(t));
        fprintf(out, "           %s%s%s\n", v->start_time_ns ? "started " : "", v->start_time_ns ? t : "",
                v->gone ? (v->start_time_ns ? "; gone after the action" : "gone after the action")
                        : (v->start_time_ns ? "; still there after the action" : "still there after the action"));
        if (v->cmdline[0])
                fprintf(out, "           cmdline: %s%s\n", report_text_safe(v->cmdline, s, sizeof(s)),
                        v->cmdline_cut ? " [cut]" : "");
}

static void print_kvs(const char *title, const struct report_kv *kv, size_t n, FILE *out) {
        char s[64];
        for (size_t i = 0; i < n; i++) {
                if (i % 4 == 0) /* four a line, under the first */
                        fprintf(out, "%s           %-*s", i ? "\n" : "", (int)strlen(title), i ? "" : title);
                fprintf(out, " %s %" PRIu64, report_text_safe(kv[i].key, s, sizeof(s)), kv[i].value);
        }
        if (n)
                fputc('\n', out);
}

static void print_psi(const char *indent, bool has, const struct psi *p, FILE *out) {
        if (!has)
                return;
        fprintf(out, "%spressure some %.2f %.2f %.2f", indent, p->some.avg10, p->some.avg60, p->some.avg300);
        if (p->has_full)
                fprintf(out, ", full %.2f %.2f %.2f", p->full.avg10, p->full.avg60, p->full.avg300);
        fputs(" (avg10 avg60 avg300, % of time)\n", out);
}

static void print_cgroup(const struct report *r, FILE *out) {
        const struct report_cgroup *c = &r->cgroup;
        const struct memcg_stats *st = &c->stats;
        char s[SAFE_MAX], a[32], b[32], w[32], pct[32];
        if (!c->has)
                return;
        snprintf(pct, sizeof(pct), c->derived.pct_of_limit >= 0 ? " (%.1f%% of the limit)" : "",
                 c->derived.pct_of_limit);
        fprintf(out, "\ncgroup     %s (v%d): usage %s of limit %s, working set %s%s\n",
                report_text_safe(c->path, s, sizeof(s)), (int)st->version, format_bytes(a, sizeof(a), st->usage),
                st->limit == BYTES_UNLIMITED ? "none" : format_bytes(b, sizeof(b), st->limit),
                format_bytes(w, sizeof(w), c->derived.working_set), pct);
        fprintf(out, "           failcnt %" PRIu64, st->failcnt);
        if (c->derived.has_rates)
                fprintf(out, " (%.1f/s)", c->derived.failcnt_rate);
        fprintf(out, ", oom %" PRIu64 ", oom_kill %" PRIu64, st->oom, st->oom_kill);
        if (c->has_usage_after)
                fprintf(out, ", usage after the action %s", format_bytes(a, sizeof(a), c->usage_after));
        fputc('\n', out);
        print_psi("           ", st->has_psi, &st->psi, out);
        print_kvs("memory.stat:", c->stat, c->n_stat, out);
        print_kvs(st->version == CGROUP_V2 ? "memory.events:" : "memory.oom_control:", c->events, c->n_events, out);
}

static void print_identity(const struct report *r, FILE *out) {
        char s[SAFE_MAX], q[64];
        const struct cgroup_identity *id = &r->identity;
        if (id->runtime[0])
                fprintf(out, "container  %s %s\n", report_text_safe(id->runtime, q, sizeof(q)),
                        report_text_safe(id->container_id, s, sizeof(s)));
        if (id->pod_uid[0])
                fprintf(out, "pod        %s%s%s%s\n", report_text_safe(id->pod_uid, s, sizeof(s)),
                        id->qos[0] ? " (" : "", report_text_safe(id->qos, q, sizeof(q)), id->qos[0] ? ")" : "");
}

static void print_machine(const struct report *r, FILE *out) {
        const struct machine_view *m = &r->machine;
        char a[32], b[32], c[32], d[32], e[32];
        static const char *const levels[] = { "every zone above high", "below min", "below low", "below high" };
        if (m->has_mem) {
                fprintf(out, "\nmachine    MemAvailable %s of %s", format_bytes(a, sizeof(a), m->mem.mem_available),
                        format_bytes(b, sizeof(b), m->mem.mem_total));
                if (r->has_mem_after)
                        fprintf(out, " (after the action %s)", format_bytes(e, sizeof(e), r->mem_available_after));
                fprintf(out, ", swap free %s of %s\n", format_bytes(c, sizeof(c), m->mem.swap_free),
                        format_bytes(d, sizeof(d), m->mem.swap_total));
        }
        print_psi("           ", m->has_psi, &m->psi, out);
        if (m->has_zones && (unsigned)m->worst_watermark < 4)
                fprintf(out, "           watermarks: %s\n", levels[m->worst_watermark]);
        if (m->has_vmstat)
                fprintf(out, "           kernel OOM kills since boot: %" PRIu64 "\n", m->vm.oom_kill);
        if (r->has_tasks)
                fprintf(out, "tasks      %u processes, %u threads, %u in D state, %u zombies (%s, in %s)\n",
                        r->tasks.processes, r->tasks.threads, r->tasks.dstate, r->tasks.zombies,
                        r->tasks_after ? "counted after the action" : "at the decision",
                        r->cgroup.has ? "the cgroup" : "the machine");
}

/* Indentation of tree entry i: one more than the entry it names as its
 * parent; a process of the group stands under the victim. */
static int tree_depth(const struct report *r, size_t i, const int *depth) {
        for (size_t j = i; j-- > 0;)
                if (r->tree[j].pid == r->tree[i].ppid ||
                    (r->tree[i].relation == REPORT_REL_GROUP && r->tree[j].relation == REPORT_REL_VICTIM))
                        return depth[j] + 1;
        return 0;
}

static void print_tree(const struct report *r, FILE *out) {
        static const char *const marks[] = { "", "", "  <- victim", "", "  (its process group)" };
        int depth[REPORT_TREE_MAX];
        char s[SAFE_MAX], a[32];
        if (!r->n_tree)
                return;
        fprintf(out, "\ntree (the victim's ancestors, the victim, what it left)%s\n%8s %8s %s %10s  %s\n",
                r->tree_cut ? " [from part of the scope]" : "", "PID", "PPID", "S", "RSS", "COMM");
        for (size_t i = 0; i < r->n_tree && i < REPORT_TREE_MAX; i++) {
                const struct report_proc *p = &r->tree[i];
                depth[i] = tree_depth(r, i, depth);
                bool gone = p->relation == REPORT_REL_VICTIM && r->victim.gone;
                fprintf(out, "%8d %8d %c %10s  %*s%s%s%s\n", (int)p->pid, (int)p->ppid, state_char(p->state),
                        format_bytes(a, sizeof(a), p->rss_bytes), 2 * (depth[i] < 20 ? depth[i] : 20), "",
                        report_text_safe(p->comm, s, sizeof(s)), (unsigned)p->relation < 5 ? marks[p->relation] : "",
                        gone ? " (gone)" : "");
        }
}

static void print_top(const struct report *r, FILE *out) {
        char s[SAFE_MAX], a[32], b[16], c[16];
        if (!r->n_top)
                return;
        fprintf(out, "\ntop %zu of %u processes in %s, by RSS, after the action\n%8s %10s %9s %5s  %s\n", r->n_top,
                r->scope_processes, r->cgroup.has ? "the cgroup" : "the machine", "PID", "RSS", "OOM_SCORE", "ADJ",
                "COMM");
        for (size_t i = 0; i < r->n_top && i < REPORT_TOP_MAX; i++) {
                const struct report_proc *p = &r->top[i];
                fprintf(out, "%8d %10s %9s %5s  %s\n", (int)p->pid, format_bytes(a, sizeof(a), p->rss_bytes),
                        score_text(b, sizeof(b), p->oom_score), score_text(c, sizeof(c), p->oom_score_adj),
                        report_text_safe(p->comm, s, sizeof(s)));
        }
}

static void print_candidates(const struct report *r, FILE *out) {
        char s[SAFE_MAX], w[SAFE_MAX];
        if (!r->n_candidates)
                return;
        fprintf(out, "\ncandidates (the ranking the choice saw, best first)\n%8s %6s  %-16s %s\n", "PID", "SCORE",
                "COMM", "WHY");
        for (size_t i = 0; i < r->n_candidates && i < REPORT_CANDIDATES_MAX; i++) {
                const struct report_candidate *c = &r->candidates[i];
                fprintf(out, "%8d %6d  %-16s %s\n", (int)c->pid, c->score, report_text_safe(c->comm, s, sizeof(s)),
                        report_text_safe(c->why, w, sizeof(w)));
        }
}

static void print_kernel(const struct report *r, FILE *out) {
        const struct report_kernel *k = &r->kernel;
        char s[SAFE_MAX], t[SAFE_MAX], a[32], b[32], c[32], d[32];
        if (r->kind != REPORT_KERNEL_OOM_KILL)
                return;
        fprintf(out, "\nkernel     %s, oom_memcg %s, task_memcg %s\n",
                k->constraint[0] ? report_text_safe(k->constraint, c, sizeof(c)) : "-",
                k->oom_memcg[0] ? report_text_safe(k->oom_memcg, s, sizeof(s)) : "-",
                k->task_memcg[0] ? report_text_safe(k->task_memcg, t, sizeof(t)) : "-");
        fprintf(out, "           total-vm %s, anon-rss %s, file-rss %s, shmem-rss %s, oom_score_adj %d\n",
                format_bytes(a, sizeof(a), k->total_vm_kb * 1024), format_bytes(b, sizeof(b), k->anon_rss_kb * 1024),
                format_bytes(c, sizeof(c), k->file_rss_kb * 1024), format_bytes(d, sizeof(d), k->shmem_rss_kb * 1024),
                k->oom_score_adj);
}

void report_print_text(const struct report *r, const char *file, FILE *out) {
        print_head(r, file, out);
        print_kernel(r, out);
        print_victim(r, out);
        print_cgroup(r, out);
        print_identity(r, out);
        print_machine(r, out);
        print_tree(r, out);
        print_top(r, out);
        print_candidates(r, out);
}

void report_print_list_header(FILE *out) {
        fprintf(out, "%-24s %-15s %-12s %-11s %8s %-16s %10s  %s\n", "TIME", "KIND", "RULE", "ACTION", "PID", "COMM",
                "FREED", "CGROUP");
}

void report_print_list_line(const struct report *r, FILE *out) {
        char t[40], rule[SAFE_MAX], act[64], comm[SAFE_MAX], path[SAFE_MAX], freed[32], pid[16];
        report_format_time(r->time_ns, false, t, sizeof(t));
        snprintf(pid, sizeof(pid), r->victim.has ? "%d" : "-", (int)r->victim.pid);
        if (r->has_freed)
                signed_bytes(freed, sizeof(freed), r->freed_bytes);
        else
                snprintf(freed, sizeof(freed), "-");
        const char *cg = r->cgroup.has                                                  ? r->cgroup.path
                         : r->kind == REPORT_KERNEL_OOM_KILL && r->kernel.task_memcg[0] ? r->kernel.task_memcg
                                                                                        : "(machine)";
        fprintf(out, "%-24s %-15s %-12s %-11s %8s %-16s %10s  %s\n", t, report_kind_to_string(r->kind),
                r->rule[0] ? report_text_safe(r->rule, rule, sizeof(rule)) : "-",
                r->action[0] ? report_text_safe(r->action, act, sizeof(act)) : "-", pid,
                r->victim.has ? report_text_safe(r->victim.comm, comm, sizeof(comm)) : "-", freed,
                report_text_safe(cg, path, sizeof(path)));
}
