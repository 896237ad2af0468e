/* oomguard as PID 1 of a PID namespace: a container's entrypoint run
 * without an init (`docker run` without --init, a pod without
 * shareProcessNamespace). The kernel makes it the reaper of every orphan
 * in the namespace, and drops any signal sent to it that it neither
 * handles nor blocks (the loop's signalfd blocks what it takes). */
#pragma once

#include <stdbool.h>

#include "guard.h"

/* Whether we are PID 1 of our PID namespace. */
bool pid1_is(void);

/* Reap every exited child that is not one the guard waits for itself
 * (the hook runner, the metrics HTTP process, the guardian: their
 * owners read their exit status). Off the hot path: after a SIGCHLD.
 * Returns how many were reaped; *more (when given) is true when some
 * may be left (its budget spent, or the children list cut): SIGCHLDs
 * coalesce, so the loop calls again at its next turn. */
int pid1_reap(struct guard *g, bool *more);
