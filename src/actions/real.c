/* The real actuator: signal the chosen process (kill, stop), empty a
 * cgroup (kill-cgroup, see cgroup_kill.c), reclaim (reclaim.c; also
 * first, for a rule with reclaim_first), or log (warn). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "actions/actuator.h"
#include "actions/report_capture.h"
#include "cgroup_kill.h"
#include "reclaim.h"

static int kill_victim(const struct action_ctx *ctx, struct action_report *rep) {
        const struct daemon_settings *s = ctx->settings;
        int r = victim_kill(ctx->root, &rep->victim, s->kill_grace_ns, s->kill_timeout_ns, &rep->kill);
        if (r < 0) {
                snprintf(rep->outcome, sizeof(rep->outcome), "not killed: %s",
                         r == -ESRCH ? "process changed identity or exited" : strerror(-r));
                return r;
        }
        rep->has_kill = true;
        if (ctx->killed)
                ctx->killed(&rep->victim, ctx->restarted_ud);
        bool reaped = !rep->kill.exited && rep->kill.mreleased;
        snprintf(rep->outcome, sizeof(rep->outcome), "%s%s",
                 rep->kill.exited ? "killed"
                 : reaped         ? "signalled, still exiting, its memory reaped (process_mrelease)"
                                  : "signalled, still exiting",
                 rep->kill.sent_kill ? "" : " (exited on SIGTERM)");
        /* A victim that cannot exit (frozen, in D state) whose address
         * space process_mrelease reaped gave its memory back: what
         * post_kill_delay waits for has happened. */
        return rep->kill.exited || reaped ? 0 : ACTION_PENDING;
}

static int stop_victim(const struct action_ctx *ctx, struct action_report *rep) {
        int r = victim_signal(ctx->root, &rep->victim, SIGSTOP);
        snprintf(rep->outcome, sizeof(rep->outcome), "%s", r < 0 ? strerror(-r) : "stopped (SIGCONT resumes it)");
        return r;
}

static int act_on_victim(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep) {
        int r = action_choose_victim(ctx, d, rep);
        if (r < 0)
                return r;
        action_capture_before(ctx, d, rep);
        if (d->action == ACTION_KILL && action_find_supervisor(ctx, d, rep)) {
                r = action_kill_family(ctx, d, rep);
                if (r == -ETIMEDOUT)
                        r = ACTION_PENDING; /* killed, some still exiting */
        } else
                r = d->action == ACTION_KILL ? kill_victim(ctx, rep) : stop_victim(ctx, rep);
        victim_release(&rep->victim);
        return r;
}

/* reclaim_first escalated: the action's outcome after what was tried. */
static void note_escalation(struct action_report *rep) {
        char what[128], then[sizeof(rep->outcome)];
        if (!rep->reclaim.tried)
                return;
        reclaim_describe(&rep->reclaim, what, sizeof(what));
        snprintf(then, sizeof(then), "%s", rep->outcome);
        if (snprintf(rep->outcome, sizeof(rep->outcome), "%s, still over its thresholds: %s", what, then) >=
            (int)sizeof(rep->outcome))
                return; /* cut: the fields carry the numbers */
}

static int act(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep) {
        int r = 0;
        switch (d->action) {
        case ACTION_WARN:
                snprintf(rep->outcome, sizeof(rep->outcome), "warned");
                break;
        case ACTION_KILL:
        case ACTION_STOP:
                r = act_on_victim(ctx, d, rep);
                break;
        case ACTION_KILL_CGROUP:
                r = cgroup_kill(ctx, d, rep);
                if (r == -EBUSY)
                        r = ACTION_PENDING; /* signalled, the cgroup not empty yet */
                break;
        case ACTION_RECLAIM:
                return cgroup_reclaim(ctx, d, rep);
        default:
                return -EINVAL;
        }
        note_escalation(rep);
        return r;
}

static int real_execute(const struct action_ctx *ctx, const struct decision *d) {
        struct action_report rep = { 0 };
        bool reclaimed = reclaim_first(ctx, d, &rep); /* cache-heavy and back under: no action */
        if (reclaimed || (d->action != ACTION_KILL && d->action != ACTION_STOP))
                action_capture_before(ctx, d, &rep); /* kill-cgroup, reclaim, warn: the tasks before */
        int r = reclaimed ? ACTION_RECLAIMED : act(ctx, d, &rep);
        action_log_event(ctx, "real", d, &rep);
        if (ctx->report)
                action_report_fill(ctx, "real", d, &rep, ctx->report);
        return r;
}

const struct actuator actuator_real = { .name = "real", .execute = real_execute };
