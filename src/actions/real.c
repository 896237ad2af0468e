/* The real actuator. `warn` is complete; process and cgroup actions
 * (kill, kill-cgroup, stop, reclaim) arrive with the kill path and are
 * refused here rather than faked: the event says so. */
#include <errno.h>

#include "actions/actuator.h"

static int real_execute(const struct action_ctx *ctx, const struct decision *d) {
        if (d->action == ACTION_WARN) {
                action_log_event("real", d, "warned");
                return 0;
        }
        action_log_event("real", d, "not acted on: action not available in this version");
        return -EOPNOTSUPP;
}

const struct actuator actuator_real = { .name = "real", .execute = real_execute };
