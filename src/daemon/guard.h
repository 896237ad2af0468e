/* The guard: everything one running oomguard holds. Only src/daemon/
 * sees it; every stage gets its own state struct and a narrow context
 * built from it (context.h). guard_* functions are all in guard.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "actions/actuator.h"
#include "actions/adjust.h"
#include "actions/optin.h"
#include "actions/pacing.h"
#include "actions/rankings.h"
#include "outputs/metrics_server.h"
#include "policy/evaluate.h"
#include "policy/policy.h"
#include "policy/supervise.h"
#include "snapshot/cgroup_set.h"
#include "snapshot/machine.h"
#include "snapshot/snapshot.h"
#include "sources/cgroup_tree.h"
#include "metrics_wire.h"
#include "sidecar.h"
#include "reports.h"
#include "wakeups.h"

#define GUARD_SCRATCH_SIZE (128 * 1024)

struct guard {
        const char *root;
        bool force_dry_run; /* --dry-run, or --root other than "/" */
        bool live;          /* root is "/" */
        bool armed;         /* kernel wakeups in use (daemon, not --status) */
        pid_t self;
        struct policy policy;
        struct cgroup_mounts mounts;
        bool has_mounts;
        char *scratch; /* GUARD_SCRATCH_SIZE, for the hot path's reads */
        /* sources → snapshot */
        struct machine_sources machine;
        struct cgroup_set cgroups;
        struct snapshot snap;
        uint64_t last_rescan_ns;
        /* policy → decisions, and how each rule's firing goes on (tick.c) */
        struct decision *decisions; /* capacity: n cgroups + 1 */
        size_t decisions_cap, n_decisions;
        struct firing global_firing;
        /* metrics_listen's HTTP process (outputs/metrics_server.h) */
        struct metrics_server metrics_server;
        struct reports reports;        /* forensic reports, hooks, kernel OOM kills (reports.c) */
        struct metrics_wire metrics;   /* Prometheus counters and file (metrics_wire.c) */
        char self_memcg[512];          /* oomguard's own v1 memory cgroup, "" = unknown */
        uint64_t machine_psi_fired_ns; /* the [global] PSI trigger last woke the guard */
        bool machine_psi_woke;         /* it fired in this wait (with other events, maybe) */
        bool global_by_psi;            /* [global]'s last decision came with the trigger's signal */
        /* the loop's wakeups (wakeups.c) */
        struct wakeups wake;
        struct wakeup last_wake; /* why the current tick runs */
        bool hot;                /* something is near a threshold: poll fast */
        /* process events (proc_events.c) and the stages that follow processes */
        int pc_fd;            /* proc connector, -1 = none */
        struct births births; /* forks, for the rankings */
        bool births_refused;  /* the connector was refused: rankings list scopes */
        bool pid1_reap_more;  /* as PID 1: orphans left for the loop's next turn (pid1.h) */
        uint64_t last_proc_scan_ns;
        struct supervise_state supervise;
        struct adjuster adjuster;
        /* actions' own state */
        struct pacing pacing;
        struct rankings rankings;
        struct optin_state optin;
        /* the leak forecast (trend_watch.c): the machine's trend, its
         * episode, whose fit is next in turn among the cgroups */
        struct trend machine_trend;
        struct leak_episode machine_leak;
        size_t trend_cursor;
        /* sidecar mode (sidecar.h): our container's cgroup, or the app's it
         * follows (--sidecar=PROGRAM: sidecar_app.c); NULL otherwise */
        struct sidecar *sidecar;
};

/* Takes ownership of *policy (moved), also when it fails: then the
 * caller calls guard_free. restore_file: the opt-in modes' state file
 * (must outlive the guard). */
int guard_init(struct guard *g, const char *root, struct policy *policy, bool force_dry_run, const char *restore_file);
void guard_free(struct guard *g);

/* Arm kernel wakeups (the daemon loop; --status does not). */
void guard_arm(struct guard *g);

/* Replace the policy (reload): moves *policy in, frees the old one, and
 * re-matches cgroups. */
int guard_set_policy(struct guard *g, struct policy *policy);

/* Re-walk the cgroup tree now (allocates). */
int guard_rescan(struct guard *g);
