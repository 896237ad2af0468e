/* The cgroups a policy watches: found by walking the memory hierarchy and
 * matching each [cgroup:NAME] path glob, with their files kept open.
 * Rescanning allocates and is done off the hot path; reading does not. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/leak_warn.h"
#include "policy/policy.h"
#include "snapshot/snapshot.h"
#include "snapshot/trend.h"
#include "sources/cgroup_tree.h"
#include "sources/memcg.h"

/* Firing state of one rule on one target, so that a rule that stays
 * crossed acts/logs once and then reminds, instead of once per tick; and
 * its post_kill_delay (actions/pacing.h). */
struct firing {
        uint64_t since_ns, last_acted_ns; /* this episode: crossed since, last acted (0 = not yet) */
        uint64_t held_until_ns;           /* post_kill_delay: no action on this target before */
        bool active;                      /* the rule fires on this target: an episode */
        bool cap_logged, hold_logged;     /* said once per episode */
        bool victim_pending;              /* the last kill's victim was not seen gone */
};

struct watched_cgroup {
        char *path; /* relative: "/a/b" */
        int rule_index;
        struct memcg_files files;
        struct memcg_stats prev;
        uint64_t prev_ns;
        bool has_prev;
        bool seen; /* rescan mark */
        struct firing firing;
        /* Kernel wakeups armed for this cgroup (see sources/triggers.h). */
        int level_fd;                      /* v1 usage-threshold eventfd, -1 = none */
        uint64_t armed_level, armed_limit; /* wake level (all versions), limit it was computed for */
        uint64_t level_armed_for;          /* v1: the limit the eventfd was registered for */
        int psi_fd;                        /* PSI trigger on its memory.pressure, -1 */
        char *psi_dir;                     /* where memory.pressure lives, NULL = none */
        ino_t ino;                         /* of its directory: a recreated cgroup has another */
        bool vanished;                     /* a read failed: its fds are closed, rescan soon */
        bool cold;                         /* usage below half its wake level at the last full read */
        uint64_t probed_ns;                /* last full read or cold probe (snapshot/cgroup_read.c) */
        /* Opt-in modes (actions/optin.h); 0/false/-1 = not applied. */
        uint64_t tripwire;              /* v2: the memory.high oomguard wrote */
        uint64_t tripwire_for;          /* the memory.max it was computed for */
        uint64_t high_events;           /* memory.events "high" at the last look */
        bool tripwire_rose;             /* it rose at our tripwire since the last evaluation */
        bool psi_woke;                  /* its PSI trigger fired since the last evaluation */
        int oom_fd;                     /* v1: eventfd on memory.oom_control */
        int pressure_fd;                /* v1 without PSI: eventfd on memory.pressure_level, -1 */
        uint64_t chatty_quiet_until_ns; /* its chatty wakeup (v1 vmpressure, v2 memory.events)
                                           * is not polled again before (daemon/loop.c) */
        bool oom_handled;               /* v1: oom_kill_disable = 1 is ours */
        bool optin_refused;             /* could not / must not apply: not retried until rescan */
        uint64_t oom_since_ns;          /* under OOM since (0 = not) */
        uint64_t oom_gave_up_ns;        /* handed to the kernel's killer at */
        /* Limit-hit alarms (policy/alarm.h), fed by daemon/alarms_watch.c
         * from each full read (prev, prev_ns). */
        struct alarm_state alarms[_ALARM_KIND_MAX];
        uint64_t alarms_fed_ns; /* the prev_ns last fed */
        /* The leak forecast: the working set's trend over its rule's
         * leak_window (fed by every read), and its warning's episode. */
        struct trend trend;
        struct leak_episode leak;
};

struct cgroup_set {
        struct watched_cgroup *items;
        size_t n, cap;
        struct cgroup_view *views; /* one per item, reused every tick */
        size_t cap_views;
        bool vanished;            /* some item vanished since the last rescan */
        unsigned long generation; /* bumped when a rescan adds or drops an item (their fds) */
};

/* Index of the first [cgroup:] rule whose glob matches rel_path, or -1. */
int policy_match_cgroup(const struct policy *p, const char *rel_path);

/* Walk the hierarchy; open newly matching cgroups, close vanished ones,
 * re-match rules (after a reload). Returns 0 or -errno. */
int cgroup_set_rescan(struct cgroup_set *set, const char *root, const struct cgroup_mounts *m, const struct policy *p);

/* Hot path: read the watched cgroups into set->views with derived values;
 * cold ones (far below their wake level) only probed (usage and limit;
 * those with an armed v1 eventfd every cold_ns), woken (index, -1 = none)
 * at once; cold_ns 0 reads everything. A cgroup that vanished is marked invalid
 * (removed at the next rescan). */
void cgroup_set_read(struct cgroup_set *set, uint64_t now, uint64_t cold_ns, int woken, char *scratch, size_t size);

void cgroup_set_free(struct cgroup_set *set);

/* Close the wakeup fds armed for w (they are re-armed by the daemon). */
void watched_cgroup_disarm(struct watched_cgroup *w);
