/* supervisor_first: when the chosen victim works for a supervisor, kill
 * the supervisor first and then all its workers, as one event. */
#include <stdio.h>
#include <string.h>

#include "actions/actuator.h"
#include "policy/supervisor_match.h"
#include "util.h"

/* Finds the supervisor above the victim, if the rule asks for it. */
bool action_find_supervisor(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep) {
        if (!d->rule->supervisor_first || !rep->has_victim)
                return false;
        const struct supervisor_query q = {
                .root = ctx->root,
                .rules = ctx->supervisors,
                .n_rules = ctx->n_supervisors,
                .cgroup_controller = ctx->mounts && ctx->mounts->memory_version == CGROUP_V1 ? "memory" : NULL,
                .restarted = ctx->restarted,
                .ud = ctx->restarted_ud,
        };
        pid_t pid;
        uint64_t start;
        const struct supervisor_rule *rule;
        struct proc_stat self;
        /* The victim may be the supervisor itself: then it heads the family. */
        if (supervisor_rule_match(&q, rep->victim.pid, &self) && self.starttime == rep->victim.starttime) {
                pid = rep->victim.pid;
                start = self.starttime;
        } else if (supervisor_of(&q, rep->victim.pid, &pid, &start, &rule) < 0)
                return false;
        struct proc_stat st;
        if (read_proc_stat(ctx->root, pid, &st) < 0 || st.starttime != start)
                return false;
        rep->has_supervisor = true;
        rep->supervisor = (struct victim){ .pid = pid, .ppid = st.ppid, .starttime = start, .pidfd = -1 };
        memcpy(rep->supervisor.comm, st.comm, sizeof(rep->supervisor.comm));
        return true;
}

static void describe_sequence(const struct family *f, struct action_report *rep) {
        char comm[COMM_MAX];
        sanitize_copy(comm, sizeof(comm), f->head.comm);
        size_t off = (size_t)snprintf(rep->sequence, sizeof(rep->sequence), "%d (%s) first, then", (int)f->head.pid,
                                      comm);
        for (size_t i = 0; i < f->n && off < sizeof(rep->sequence); i++)
                off += (size_t)snprintf(rep->sequence + off, sizeof(rep->sequence) - off, " %d",
                                        (int)f->members[i].pid);
        if (f->n == 0 && off < sizeof(rep->sequence))
                snprintf(rep->sequence + off, sizeof(rep->sequence) - off, " no workers");
}

/* Real: pin the whole family, then kill head first. */
int action_kill_family(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep) {
        static struct family f; /* large; the loop is single-threaded and not reentrant */
        struct victim_policy vp;
        action_victim_policy(ctx, d, &vp);
        int r = family_collect(ctx->root, &vp, rep->supervisor.pid, rep->supervisor.starttime, &f);
        if (r < 0) {
                snprintf(rep->outcome, sizeof(rep->outcome), "supervisor %s: not killed",
                         r == -EPERM ? "is protected" : "changed identity");
                return r;
        }
        describe_sequence(&f, rep);
        rep->family_size = (unsigned)f.n;
        struct family_result res;
        r = family_kill(&f, ctx->settings->kill_timeout_ns, &res);
        family_release(&f);
        char elsewhere[48] = "";
        if (f.elsewhere)
                snprintf(elsewhere, sizeof(elsewhere), " (%u in other cgroups left alone)", f.elsewhere);
        snprintf(rep->outcome, sizeof(rep->outcome), "%s: supervisor gone after %.1f ms, all %u after %.1f ms%s%s",
                 r == 0 ? "killed supervisor and workers" : "killed, some still exiting",
                 (double)res.head_exit_ns / 1e6, res.exited, (double)res.all_exit_ns / 1e6,
                 f.truncated ? " (family truncated)" : "", elsewhere);
        return r;
}
