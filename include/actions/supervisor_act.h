/* Carrying out what the supervisor watch found (policy/supervise.h): a
 * restart loop's restart_action (stop, kill with its workers, cap its
 * forks, warn) or a zombie factory's zombie_action (kill, so init reaps
 * the zombies, or warn), under the kill cap, and one event for each. */
#pragma once

#include <stdbool.h>

#include "actions/actuator.h"
#include "actions/pacing.h"
#include "policy/supervise.h"

/* dry_run: only say what would be done. Returns 0, -EAGAIN when the kill
 * cap deferred it, -EPERM when the supervisor is protected, or -errno. */
int supervisor_act(const struct action_ctx *ctx, bool dry_run, struct pacing *pacing,
                   const struct supervisor_finding *f);
