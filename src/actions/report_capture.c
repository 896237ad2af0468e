/* What an action's report needs from before the action, and the action's
 * part of the report (see outputs/report.h). Before the signal only cheap,
 * bounded reads into the fixed-size action_report: the victim's command
 * line and the scope's task counts (at most CAPTURE_MAX_STATS stat
 * reads, ~10 µs each); the rest of the report is gathered after. */
#include <stdio.h>
#include <string.h>

#include "actions/actuator.h"
#include "reclaim.h"
#include "actions/report_capture.h"

#define CAPTURE_MAX_STATS 64

void action_capture_before(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep) {
        if (!ctx->report)
                return; /* reports off: the event counts as it always did */
        if (rep->has_victim &&
            read_proc_cmdline(ctx->root, rep->victim.pid, rep->victim_cmdline, sizeof(rep->victim_cmdline)) < 0)
                rep->victim_cmdline[0] = '\0';
        char dir[4096];
        if (d->cgroup && action_cgroup_dir(ctx, d, dir, sizeof(dir)) &&
            task_counts_of_cgroup_within(ctx->root, dir, CAPTURE_MAX_STATS, &rep->tasks) == 0)
                rep->has_tasks = true;
}

static void copy_text(char *dst, size_t size, const char *src) { snprintf(dst, size, "%s", src ? src : ""); }

/* Why a candidate stands where it does: its badness, moved by prefer /
 * avoid (score - oom_score is the bias). */
static void describe_candidate(const struct victim *v, bool chosen, struct report_candidate *out) {
        out->pid = v->pid;
        memcpy(out->comm, v->comm, sizeof(out->comm));
        out->score = v->score;
        int bias = v->score - v->oom_score;
        snprintf(out->why, sizeof(out->why), "badness %d%s%s%s", v->oom_score,
                 bias > 0   ? ", prefer +300"
                 : bias < 0 ? ", avoid -300"
                            : "",
                 bias > VICTIM_BIAS || bias < -VICTIM_BIAS ? " (and more)" : "", chosen ? ": chosen, the highest" : "");
}

static void fill_victim(const struct action_report *rep, struct report_victim *out) {
        const struct victim *v = &rep->victim;
        *out = (struct report_victim){ .has = true,
                                       .pid = v->pid,
                                       .ppid = v->ppid,
                                       .uid = v->uid,
                                       .state = v->state,
                                       .rss_bytes = v->rss,
                                       .swap_bytes = v->swap,
                                       .oom_score = v->oom_score,
                                       .oom_score_adj = v->oom_score_adj,
                                       .start_time_ticks = v->starttime };
        memcpy(out->comm, v->comm, sizeof(out->comm));
        size_t n = strnlen(rep->victim_cmdline, sizeof(rep->victim_cmdline));
        out->cmdline_cut = n >= sizeof(out->cmdline) - 1;
        copy_text(out->cmdline, sizeof(out->cmdline), rep->victim_cmdline);
}

void action_report_fill(const struct action_ctx *ctx, const char *actuator, const struct decision *d,
                        const struct action_report *rep, struct report *out) {
        if (d->action == ACTION_WARN)
                out->kind = REPORT_WARNING; /* a rule that only warns: no action */
        copy_text(out->rule, sizeof(out->rule), d->rule->name);
        copy_text(out->action, sizeof(out->action), action_kind_to_string(d->action));
        copy_text(out->reason, sizeof(out->reason), d->reason);
        copy_text(out->outcome, sizeof(out->outcome), rep->outcome);
        copy_text(out->wakeup, sizeof(out->wakeup), ctx->wakeup);
        out->dry_run = strcmp(actuator, "real") != 0;
        if (rep->has_victim)
                fill_victim(rep, &out->victim);
        for (size_t i = 0; i < rep->n_candidates && i < REPORT_CANDIDATES_MAX; i++)
                describe_candidate(&rep->candidates[i], i == 0 && rep->has_victim, &out->candidates[i]);
        out->n_candidates = rep->n_candidates < REPORT_CANDIDATES_MAX ? rep->n_candidates : REPORT_CANDIDATES_MAX;
        const struct reclaim_result *rc = &rep->reclaim;
        if (rc->tried)
                out->reclaim = (struct report_reclaim){ .has = true,
                                                        .escalated = rc->escalated,
                                                        .reclaimed_bytes = reclaim_freed(rc),
                                                        .asked_bytes = rc->asked_bytes,
                                                        .v1_limit = rc->v1_limit,
                                                        .ns = rc->ns };
        if (rep->has_tasks) {
                out->has_tasks = true;
                out->tasks = rep->tasks;
        }
        if (d->cgroup) {
                out->cgroup.has = true;
                copy_text(out->cgroup.path, sizeof(out->cgroup.path), d->cgroup->path);
                out->cgroup.stats = d->cgroup->stats;
                out->cgroup.derived = d->cgroup->d;
        }
}
