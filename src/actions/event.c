/* The one structured event per action: what fired, why, what woke the
 * guard, which process was chosen and what happened to it. */
#include <stdio.h>

#include "actions/actuator.h"
#include "reclaim.h"
#include "sources/cgroup_identity.h"
#include "sources/task_counts.h"
#include "outputs/log.h"
#include "util.h"

#define EVENT_FIELDS_MAX 32 /* <= LOG_FIELDS_MAX */

struct event_fields {
        struct log_field f[EVENT_FIELDS_MAX];
        size_t n;
};

static void add(struct event_fields *e, const char *key, const char *value) {
        if (e->n < EVENT_FIELDS_MAX)
                e->f[e->n++] = (struct log_field){ key, value };
}

struct victim_text {
        char pid[16], comm[COMM_MAX], uid[16], rss[32], score[16], choose[24], exit_ms[24], signal[16];
        char choice[64];
};

static void add_victim(struct event_fields *e, const struct action_report *rep, struct victim_text *t) {
        const struct victim *v = &rep->victim;
        snprintf(t->pid, sizeof(t->pid), "%d", (int)v->pid);
        sanitize_copy(t->comm, sizeof(t->comm), v->comm);
        snprintf(t->uid, sizeof(t->uid), "%u", (unsigned)v->uid);
        format_bytes(t->rss, sizeof(t->rss), v->rss);
        snprintf(t->score, sizeof(t->score), "%d", v->score);
        snprintf(t->choose, sizeof(t->choose), "%.3f", (double)rep->choose_ns / 1e6);
        add(e, "OOMGUARD_VICTIM_PID", t->pid);
        add(e, "OOMGUARD_VICTIM_COMM", t->comm);
        add(e, "OOMGUARD_VICTIM_UID", t->uid);
        add(e, "OOMGUARD_VICTIM_RSS", t->rss);
        add(e, "OOMGUARD_VICTIM_SCORE", t->score);
        add(e, "OOMGUARD_CHOOSE_MS", t->choose);
        const struct victim_stats *s = &rep->search;
        if (s->ranked_of)
                snprintf(t->choice, sizeof(t->choice), "ranking: %u candidates read of %u processes", s->scanned,
                         s->ranked_of);
        else
                snprintf(t->choice, sizeof(t->choice), "scan: %u processes read", s->scanned);
        add(e, "OOMGUARD_CHOICE", t->choice);
        if (!rep->has_kill)
                return;
        snprintf(t->signal, sizeof(t->signal), "%s", rep->kill.sent_kill ? "SIGKILL" : "SIGTERM");
        snprintf(t->exit_ms, sizeof(t->exit_ms), "%.3f", (double)rep->kill.exit_ns / 1e6);
        add(e, "OOMGUARD_SIGNAL", t->signal);
        add(e, "OOMGUARD_EXIT_MS", rep->kill.exited ? t->exit_ms : "not yet");
}

/* The container and the pod the cgroup's path names, when it names them. */
static void add_identity(struct event_fields *e, const char *path, struct cgroup_identity *ci) {
        if (!cgroup_identity_parse(path, ci))
                return;
        if (ci->runtime[0])
                add(e, "OOMGUARD_CONTAINER_RUNTIME", ci->runtime);
        if (ci->container_id[0])
                add(e, "OOMGUARD_CONTAINER_ID", ci->container_id);
        if (ci->pod_uid[0]) {
                add(e, "OOMGUARD_POD_UID", ci->pod_uid);
                add(e, "OOMGUARD_POD_QOS", ci->qos);
        }
}

void action_log_event(const struct action_ctx *ctx, const char *actuator, const struct decision *d,
                      const struct action_report *rep) {
        char usage[32], limit[32], pct[16], path[512];
        const struct cgroup_view *cg = d->cgroup;
        struct event_fields e = { .n = 0 };
        struct victim_text vt;
        /* cgroup names are chosen by whoever creates them: no control
         * characters reach the log (a newline would forge a line). */
        sanitize_copy(path, sizeof(path), cg ? cg->path : "/");
        snprintf(pct, sizeof(pct), "%.1f", cg ? cg->d.pct_of_limit : -1.0);
        add(&e, "OOMGUARD_RULE", d->rule->name);
        add(&e, "OOMGUARD_ACTION", action_kind_to_string(d->action));
        add(&e, "OOMGUARD_MODE", actuator);
        add(&e, "OOMGUARD_CGROUP", path);
        struct cgroup_identity ci;
        if (cg)
                add_identity(&e, cg->path, &ci);
        add(&e, "OOMGUARD_REASON", d->reason);
        add(&e, "OOMGUARD_WAKEUP", ctx->wakeup ? ctx->wakeup : "-");
        if (cg) {
                add(&e, "OOMGUARD_USAGE", format_bytes(usage, sizeof(usage), cg->stats.usage));
                add(&e, "OOMGUARD_LIMIT", format_bytes(limit, sizeof(limit), cg->stats.limit));
                add(&e, "OOMGUARD_PERCENT", pct);
        }
        char tasks[128], cgdir[4096];
        struct task_counts tc;
        /* Counted before the action when the report did it (the moment
         * of the decision), else now. */
        bool counted = rep->has_tasks;
        if (counted)
                tc = rep->tasks;
        else if (cg && action_cgroup_dir(ctx, d, cgdir, sizeof(cgdir)) &&
                 task_counts_of_cgroup(ctx->root, cgdir, &tc) == 0)
                counted = true;
        if (counted) {
                snprintf(tasks, sizeof(tasks), "%u processes, %u threads, %u D-state, %u zombies%s", tc.processes,
                         tc.threads, tc.dstate, tc.zombies, tc.partial ? " (threads of the first 64)" : "");
                add(&e, "OOMGUARD_TASKS", tasks);
        }
        if (rep->has_victim)
                add_victim(&e, rep, &vt);
        char sup_pid[16], sup_comm[COMM_MAX];
        if (rep->has_supervisor) {
                snprintf(sup_pid, sizeof(sup_pid), "%d", (int)rep->supervisor.pid);
                sanitize_copy(sup_comm, sizeof(sup_comm), rep->supervisor.comm);
                add(&e, "OOMGUARD_SUPERVISOR_PID", sup_pid);
                add(&e, "OOMGUARD_SUPERVISOR_COMM", sup_comm);
                if (rep->sequence[0])
                        add(&e, "OOMGUARD_SEQUENCE", rep->sequence);
        }
        char freed[24], ms[24];
        const struct reclaim_result *rc = &rep->reclaim;
        if (rc->tried) { /* reclaim, or reclaim_first before the action */
                snprintf(freed, sizeof(freed), "%llu", (unsigned long long)reclaim_freed(rc));
                snprintf(ms, sizeof(ms), "%.1f", (double)rc->ns / 1e6);
                add(&e, "OOMGUARD_RECLAIMED_BYTES", freed);
                add(&e, "OOMGUARD_RECLAIM_MS", ms);
                add(&e, "OOMGUARD_ESCALATED", rc->escalated ? "yes" : "no");
        }
        add(&e, "OOMGUARD_OUTCOME", rep->outcome);
        bool dry = actuator[0] == 'd';
        char victim[COMM_MAX + 32] = "";
        if (rep->has_victim)
                snprintf(victim, sizeof(victim), " pid %d (%s)", (int)rep->victim.pid, vt.comm);
        log_event(LOG_WARNING, MSGID_ACTION, e.f, e.n, "%s%s%s: rule %s on %s: %s: %s", dry ? "dry-run: would " : "",
                  action_kind_to_string(d->action), victim, d->rule->name, path, d->reason, rep->outcome);
}
