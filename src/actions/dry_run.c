/* The dry-run actuator: log the full decision, act on nothing. */
#include "actions/actuator.h"

static int dry_run_execute(const struct action_ctx *ctx, const struct decision *d) {
        action_log_event("dry-run", d, "not acted on (dry run)");
        return 0;
}

const struct actuator actuator_dry_run = { .name = "dry-run", .execute = dry_run_execute };
