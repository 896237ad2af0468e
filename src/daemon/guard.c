/* The guard's state: setup, reload and teardown (allocates; not the hot
 * path). The tick is in tick.c. */
#include <string.h>

#include "context.h"
#include "guard.h"
#include "outputs/log.h"
#include "proc_events.h"
#include "sources/cgroup_namespace.h"

/* Room for one decision per watched cgroup and one for [global]. */
static int reserve_decisions(struct guard *g) { return GROW(g->decisions, g->decisions_cap, g->cgroups.n + 1); }

/* Where oomguard itself runs (it may be moved: read at each rescan). */
static void find_self_memcg(struct guard *g) {
        g->self_memcg[0] = '\0';
        if (g->sidecar && g->sidecar->program)
                return; /* --sidecar=PROGRAM: the mount is the app's, we are in another container */
        if (g->live && g->has_mounts && g->mounts.memory_version == CGROUP_V1 &&
            read_proc_cgroup("/", getpid(), "memory", g->self_memcg, sizeof(g->self_memcg)) < 0)
                g->self_memcg[0] = '\0';
}

int guard_rescan(struct guard *g) {
        find_self_memcg(g);
        if (g->has_mounts) {
                int r = cgroup_set_rescan(&g->cgroups, g->root, &g->mounts, &g->policy);
                if (r < 0)
                        log_warning("cgroup rescan incomplete: %s", strerror(-r));
        }
        g->last_rescan_ns = now_ns();
        if (g->optin.n_changes) {
                const struct optin_ctx oc = context_optin(g);
                optin_sync(&g->optin, &oc); /* unwatched cgroups get their values back */
        }
        int r = wakeups_reserve(g);
        return r < 0 ? r : reserve_decisions(g);
}

/* The adjuster points into the policy: set up again for each policy, and
 * apply at the next tick (a reload re-applies every rule). */
static int adjust_setup(struct guard *g) {
        const char *ctl = g->has_mounts && g->mounts.memory_version == CGROUP_V1 ? "memory" : NULL;
        adjuster_free(&g->adjuster);
        g->last_proc_scan_ns = 0;
        return adjuster_init(&g->adjuster, &g->policy, g->root, ctl, g->self,
                             g->force_dry_run || g->policy.daemon.dry_run);
}

/* A guard that holds nothing: every fd -1, so that guard_free may take
 * it (and take it twice). */
static void guard_clear(struct guard *g) {
        *g = (struct guard){ .wake = { .machine_psi_fd = -1 },
                             .pc_fd = -1,
                             .machine = { .meminfo_fd = -1, .psi_fd = -1, .zoneinfo_fd = -1, .vmstat_fd = -1 },
                             .last_wake = { .kind = WAKE_TIMEOUT, .cgroup = -1 },
                             .reports = { .kmsg = { .fd = -1 } },
                             .metrics = { .file = { .dir_fd = -1 } } };
        optin_state_init(&g->optin, NULL);
        hook_runner_init(&g->reports.hooks);
        metrics_server_init(&g->metrics_server);
}

static const char *not_found_why(int r) {
        if (r == -EXDEV)
                return "its top is not above our namespace's root, or we were moved out of that root";
        if (r == -ENOENT)
                return "no directory at our namespace's depth lists our pid";
        return strerror(-r);
}

/* Under a cgroup namespace of our own, with a hierarchy mounted from
 * outside it (a DaemonSet's hostPath), /proc's cgroup paths are relative
 * to our namespace: map them into the mounts (sources/cgroup_view.h). */
static void map_cgroup_namespace(const struct guard *g) {
        const struct cgroup_mounts *m = &g->mounts;
        bool v1 = m->memory_version == CGROUP_V1;
        const struct {
                const char *mount, *controller;
        } hierarchies[] = { { m->memory_mount, v1 ? "memory" : NULL },
                            { v1 ? m->unified_mount : "", NULL },
                            { m->pids_mount, "pids" },
                            { m->freezer_mount, "freezer" } };
        for (size_t i = 0; i < sizeof(hierarchies) / sizeof(hierarchies[0]); i++) {
                char ns_root[PATH_MAX];
                const char *mount = hierarchies[i].mount;
                int r = *mount ? cgroupns_map_mount(g->root, mount, hierarchies[i].controller, ns_root, sizeof(ns_root))
                               : 0;
                if (r > 0)
                        log_info(
                                "cgroup namespace: %s is mounted from above it; our namespace's root is %s "
                                "there, and /proc's cgroup paths are read as paths below it",
                                mount, ns_root);
                else if (r < 0)
                        log_warning(
                                "cgroup namespace: %s is mounted from outside it and our cgroup cannot be "
                                "found there (%s): processes outside our namespace match no [cgroup:] "
                                "scope or cgroup: matcher (run in the host's cgroup namespace)",
                                mount, not_found_why(r));
        }
}

/* Every step that can fail is undone by guard_free, which takes a guard
 * in any state this leaves it in. */
int guard_init(struct guard *g, const char *root, struct policy *policy, bool force_dry_run, const char *restore_file) {
        guard_clear(g);
        g->root = root;
        g->force_dry_run = force_dry_run;
        g->self = getpid();
        g->optin.restore_file = restore_file;
        g->policy = *policy;
        *policy = (struct policy){ 0 };
        /* Only the real root can be acted on: --root is always a dry run. */
        g->live = strcmp(root, "/") == 0;
        if (!g->live)
                g->force_dry_run = true;
        g->scratch = malloc(GUARD_SCRATCH_SIZE);
        int r = g->scratch ? supervise_init(&g->supervise) : -ENOMEM;
        if (r < 0)
                return log_error_errno(r, "cannot set up: %m");
        r = machine_sources_open(root, &g->machine);
        if (r < 0)
                return log_error_errno(r, "cannot read %s/proc/meminfo: %m", root);
        r = cgroup_mounts_discover(root, &g->mounts);
        g->has_mounts = r == 0;
        if (g->has_mounts && g->live)
                map_cgroup_namespace(g);
        if (r < 0)
                log_warning("no memory cgroup hierarchy found (%s): only [global] applies", strerror(-r));
        if ((r = adjust_setup(g)) < 0)
                return log_error_errno(r, "cannot set up the [adjust:] rules: %m");
        return guard_rescan(g);
}

/* With mlockall(MCL_ONFAULT) only pages that were touched stay resident.
 * The kill path runs for the first time in an emergency, when faulting
 * its code in from disk can take seconds: run a victim search once now
 * (it signals nothing) so its pages are in and locked. */
static void warm_up_kill_path(struct guard *g) {
        struct victim_policy vp = { .root = g->root, .self = g->self };
        struct victim v;
        if (victim_choose(&vp, NULL, &v, NULL) == 0)
                victim_release(&v);
}

static void announce_optin(struct guard *g) {
        const struct optin_ctx oc = context_optin(g);
        optin_announce(&oc);
}

/* Kernel wakeups are armed only by a guard that acts (not --status). */
void guard_arm(struct guard *g) {
        if (!g->live)
                return; /* a fixture tree has no kernel behind it */
        wakeups_arm_machine(g);
        proc_events_open(g);
        g->armed = true;
        announce_optin(g);
        reports_setup(g);
        metrics_wire_setup(g);
        (void)metrics_server_start(&g->metrics_server, g->policy.daemon.metrics_listen, metrics_wire_path(g),
                                   g->policy.daemon.metrics_user);
        warm_up_kill_path(g);
}

static void restore_all(struct guard *g, const char *why) {
        const struct optin_ctx oc = context_optin(g);
        optin_restore_all(&g->optin, &oc, why);
}

int guard_set_policy(struct guard *g, struct policy *policy) {
        /* The new policy applies its modes afresh at the next tick. */
        restore_all(g, "reload");
        policy_free(&g->policy);
        g->policy = *policy;
        *policy = (struct policy){ 0 };
        if (adjust_setup(g) < 0)
                log_warning("out of memory: [adjust:] rules not applied");
        /* Decisions point into the old policy's rules: forget them. */
        g->n_decisions = 0;
        g->global_firing = (struct firing){ 0 };
        rankings_free(&g->rankings); /* ranked under the old prefer / avoid / protect */
        /* Thresholds may have changed: re-arm everything. */
        for (size_t i = 0; i < g->cgroups.n; i++) {
                watched_cgroup_disarm(&g->cgroups.items[i]);
                g->cgroups.items[i].firing = (struct firing){ 0 };
        }
        if (g->armed) {
                announce_optin(g);
                reports_reload(g);
                metrics_wire_reload(g);
                (void)metrics_server_reload(&g->metrics_server, g->policy.daemon.metrics_listen, metrics_wire_path(g),
                                            g->policy.daemon.metrics_user);
                wakeups_arm_machine(g);
                proc_events_close(g);
                proc_events_open(g);
        }
        return guard_rescan(g);
}

void guard_free(struct guard *g) {
        restore_all(g, "stopping");
        optin_state_free(&g->optin);
        reports_free(g);
        metrics_wire_free(g);
        metrics_server_stop(&g->metrics_server);
        cgroup_set_free(&g->cgroups);
        wakeups_free(&g->wake);
        proc_events_close(g);
        supervise_free(&g->supervise);
        adjuster_free(&g->adjuster);
        rankings_free(&g->rankings);
        machine_sources_close(&g->machine);
        policy_free(&g->policy);
        free(g->decisions);
        free(g->scratch);
        guard_clear(g);
}
