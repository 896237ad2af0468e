/* Pacing: how often oomguard may act, so that one event does not become a
 * kill storm, and a new event is never left to the kernel.
 *
 * - max_kills_per_minute, machine-wide, for every kind of kill (rules,
 *   restart loops, zombie factories): at most that many real actions in
 *   any 60 s (struct pacing).
 * - post_kill_delay, per target (the [global] rule, or one watched cgroup:
 *   its struct firing): after an action on a target, none again on it for
 *   post_kill_delay, counted from the end of the action (a kill waits for
 *   its victim's exit), while its victim's memory comes back. The hold
 *   ends early when the rule has been seen back below its thresholds on
 *   that target and every victim was seen gone: the next crossing is a new
 *   episode, acted on at once. A victim still exiting keeps the hold.
 * - Restart-loop and zombie kills (no rule target) wait for
 *   post_kill_delay after the last kill anywhere (pacing_limited).
 * Fixed-size state; no allocation. */
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

struct firing; /* one rule on one target (snapshot/cgroup_set.h) */

/* The cap, or post_kill_delay since the last kill anywhere (for the
 * kills that have no rule target: restart loops, zombie factories). */
bool pacing_limited(const struct pacing *p, const struct daemon_settings *s, uint64_t now);
/* Only the max_kills_per_minute part. */
bool pacing_cap_reached(const struct pacing *p, const struct daemon_settings *s, uint64_t now);
/* A real action was taken at now. */
void pacing_record(struct pacing *p, uint64_t now);

/* post_kill_delay on target f holds a new action back at now. */
bool pacing_target_held(const struct firing *f, uint64_t now);
/* A real action on f ended at end_ns; victim_pending: a process it
 * killed had not exited when it gave up waiting (kill_timeout). */
void pacing_target_acted(struct firing *f, const struct daemon_settings *s, uint64_t end_ns, bool victim_pending);
/* The rule is back below its thresholds on f: the episode is over. Only
 * the hold of a victim still exiting survives. */
void pacing_target_cleared(struct firing *f);
