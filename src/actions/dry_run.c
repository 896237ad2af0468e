/* The dry-run actuator: choose exactly as the real one would, log it,
 * act on nothing. */
#include <stdio.h>

#include "actions/actuator.h"
#include "actions/report_capture.h"
#include "reclaim.h"

static int dry_run_execute(const struct action_ctx *ctx, const struct decision *d) {
        struct action_report rep = { 0 };
        bool needs_victim = d->action == ACTION_KILL || d->action == ACTION_STOP;
        if (!needs_victim || action_choose_victim(ctx, d, &rep) == 0)
                snprintf(rep.outcome, sizeof(rep.outcome), "not acted on (dry run)");
        if (d->action == ACTION_KILL && action_find_supervisor(ctx, d, &rep))
                snprintf(rep.outcome, sizeof(rep.outcome),
                         "not acted on (dry run): would kill its supervisor "
                         "%d first, then its workers",
                         (int)rep.supervisor.pid);
        if (reclaim_first_wanted(d))
                snprintf(rep.outcome, sizeof(rep.outcome),
                         "not acted on (dry run): mostly reclaimable cache: would reclaim it first");
        action_capture_before(ctx, d, &rep);
        action_log_event(ctx, "dry-run", d, &rep);
        if (ctx->report)
                action_report_fill(ctx, "dry-run", d, &rep, ctx->report);
        if (rep.has_victim)
                victim_release(&rep.victim);
        return 0;
}

const struct actuator actuator_dry_run = { .name = "dry-run", .execute = dry_run_execute };
