/* The kill cap, for every kind of kill (rules, restart loops, zombie
 * factories): at most max_kills_per_minute real actions in any 60 s, and
 * none within post_kill_delay of the previous one, so that one event does
 * not become a kill storm. Fixed-size state; no allocation. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

#define PACING_RING 64 /* >= max_kills_per_minute (the loader caps it) */

struct pacing {
        uint64_t kill_times_ns[PACING_RING]; /* ring of recent kill times */
        size_t n_kills;                      /* total, also the ring's write index */
        uint64_t last_action_ns;
};

/* Either limit holds now. */
bool pacing_limited(const struct pacing *p, const struct daemon_settings *s, uint64_t now);
/* Only the max_kills_per_minute part (not post_kill_delay). */
bool pacing_cap_reached(const struct pacing *p, const struct daemon_settings *s, uint64_t now);
/* A real action was taken at now. */
void pacing_record(struct pacing *p, uint64_t now);
