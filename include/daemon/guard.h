/* The guard: everything one running oomguard holds, and one tick of the
 * pipeline sources → snapshot → policy → actions. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "actions/actuator.h"
#include "actions/adjust.h"
#include "actions/restore.h"
#include "daemon/guardian.h"
#include "daemon/rankings.h"
#include "daemon/wakeups.h"
#include "snapshot/restarts.h"
#include "policy/evaluate.h"
#include "policy/policy.h"
#include "snapshot/cgroup_set.h"
#include "snapshot/machine.h"
#include "snapshot/snapshot.h"
#include "sources/cgroup_tree.h"

#define GUARD_SCRATCH_SIZE (128 * 1024)
#define GUARD_REPEAT_LOG_NS (30 * NSEC_PER_SEC) /* "still firing" reminder */
#define GUARD_FAST_POLL_NS (10 * NSEC_PER_MSEC)  /* while something is close */
#define GUARD_COLD_READ_NS (5 * NSEC_PER_SEC)    /* full read of a cold cgroup */
#define GUARD_KILL_RING 64                       /* >= max_kills_per_minute */

struct scan_state;

struct guard {
        const char *root;
        bool force_dry_run;          /* --dry-run, or --root other than "/" */
        bool live;                   /* root is "/" */
        struct policy policy;
        struct cgroup_mounts mounts;
        bool has_mounts;
        struct machine_sources machine;
        struct cgroup_set cgroups;
        struct snapshot snap;
        struct decision *decisions;  /* capacity: n cgroups + 1 */
        size_t decisions_cap, n_decisions;
        struct firing global_firing;
        uint64_t last_rescan_ns, last_action_ns;
        char *scratch;
        struct wakeups wake;
        struct wakeup last_wake;         /* why the current tick runs */
        bool hot;                        /* something is near a threshold: poll fast */
        uint64_t kill_times[GUARD_KILL_RING]; /* ring of recent kill times */
        size_t n_kills;
        pid_t self;
        bool armed;                      /* kernel wakeups in use (daemon, not --status) */
        int pc_fd;                       /* proc connector, -1 = none (see proc_events.h) */
        struct restart_tracker *restarts; /* see supervise.h */
        struct scan_state *scan;         /* the /proc-pass fallback's memory */
        pid_t zombie_suspects[64];       /* parents whose children exited lately */
        size_t n_suspects;
        uint64_t last_zombie_check_ns;
        uint64_t last_proc_scan_ns;
        struct adjuster adjuster;        /* [adjust:] rules (actions/adjust.h) */
        struct ranking *rankings[RANK_SLOTS]; /* victim rankings of big scopes (rankings.h) */
        struct births births;            /* forks, for the rankings (proc connector) */
        bool births_refused;             /* the connector was refused: rankings list scopes */
        /* Opt-in modes (daemon/optin.h): what was changed, the state file
         * that lists it, and the guardian that replays it after a crash. */
        const char *restore_file;
        struct restore_entry *changes;
        size_t n_changes, cap_changes;
        struct guardian guardian;
};

/* Takes ownership of *policy (moved). */
int guard_init(struct guard *g, const char *root, struct policy *policy, bool force_dry_run);
void guard_free(struct guard *g);

/* Arm kernel wakeups (the daemon loop; --status does not). */
void guard_arm(struct guard *g);

/* Replace the policy (reload): moves *policy in, frees the old one, and
 * re-matches cgroups. */
int guard_set_policy(struct guard *g, struct policy *policy);

/* Read everything, evaluate; when act is true hand decisions to the
 * actuator. Returns the number of decisions. */
size_t guard_tick(struct guard *g, bool act);

/* Re-walk the cgroup tree now (allocates). */
int guard_rescan(struct guard *g);

/* Grow the decision array to the watched set (allocates). */
int guard_set_capacity(struct guard *g);

const struct actuator *guard_actuator(const struct guard *g);

/* The context actions run in (wakeup: what woke the guard). */
void guard_action_ctx(struct guard *g, const char *wakeup, struct action_ctx *ret);

/* The kill cap: max_kills_per_minute and post_kill_delay, for every kind
 * of kill (rules, restart loops, zombie factories). */
bool guard_rate_limited(const struct guard *g, uint64_t now);
/* Only the max_kills_per_minute part of it (not post_kill_delay). */
bool guard_kill_cap_reached(const struct guard *g, uint64_t now);
void guard_record_action(struct guard *g, uint64_t now);

/* How long the loop may sleep before the next tick. */
uint64_t guard_next_timeout_ns(const struct guard *g);
