/* Internal to src/policy/supervise*.c: the /proc-pass fallback for
 * restart loops when there is no proc connector (supervise_scan.c). */
#pragma once

#include "policy/supervise.h"

int supervise_scan_init(struct supervise_state *s);
/* Called for each child started since the previous pass. */
typedef void (*supervise_start_fn)(struct supervise_state *s, const struct supervise_ctx *c, pid_t parent,
                                   uint64_t pstart, const char *comm, uint64_t now);
void supervise_scan_restarts(struct supervise_state *s, const struct supervise_ctx *c, uint64_t now,
                             supervise_start_fn on_start);

/* A parent whose children exited lately (supervise.c): the zombie check
 * (supervise_zombies.c) looks at it. */
void supervise_add_suspect(struct supervise_state *s, pid_t parent);
