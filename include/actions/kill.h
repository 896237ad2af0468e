/* Signalling a chosen process through its pidfd: never by bare pid, so a
 * pid reused by an innocent process can not be hit. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "actions/victim.h"

struct kill_result {
        bool sent_term, sent_kill; /* which signals went out */
        bool exited;               /* gone within the timeout */
        bool mreleased;            /* process_mrelease() reaped its memory early */
        uint64_t exit_ns;          /* first signal -> exit */
};

/* SIGTERM then, after grace_ns without exit, SIGKILL (grace_ns 0: SIGKILL
 * at once); after SIGKILL ask the kernel to release the memory now
 * (process_mrelease); wait up to timeout_ns for the exit. The victim's
 * identity (start time) is checked again right before the first signal.
 * -ESRCH when it is no longer the same process (nothing was sent). */
int victim_kill(const char *root, const struct victim *v, uint64_t grace_ns, uint64_t timeout_ns,
                struct kill_result *ret);

/* SIGSTOP / SIGCONT through the pidfd, identity checked. */
int victim_signal(const char *root, const struct victim *v, int sig);
