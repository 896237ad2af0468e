/* The guard's state: setup, reload and teardown (allocates; not the hot
 * path). The tick is in tick.c. */
#include <string.h>

#include "daemon/guard.h"
#include "daemon/optin.h"
#include "daemon/proc_events.h"
#include "daemon/supervise.h"
#include "outputs/log.h"

int guard_set_capacity(struct guard *g) {
        size_t want = g->cgroups.n + 1;
        if (want <= g->decisions_cap)
                return 0;
        struct decision *d = realloc(g->decisions, want * sizeof(*d));
        if (!d)
                return -ENOMEM;
        g->decisions = d;
        g->decisions_cap = want;
        return 0;
}

int guard_rescan(struct guard *g) {
        if (g->has_mounts) {
                int r = cgroup_set_rescan(&g->cgroups, g->root, &g->mounts, &g->policy);
                if (r < 0)
                        log_warning("cgroup rescan incomplete: %s", strerror(-r));
        }
        g->last_rescan_ns = now_ns();
        if (g->n_changes)
                optin_sync(g); /* unwatched cgroups get their values back */
        int r = wakeups_reserve(g);
        return r < 0 ? r : guard_set_capacity(g);
}

/* The adjuster points into the policy: set up again for each policy, and
 * apply at the next tick (a reload re-applies every rule). */
static int guard_adjust_setup(struct guard *g) {
        const char *ctl = g->has_mounts && g->mounts.memory_version == CGROUP_V1 ? "memory" : NULL;
        adjuster_free(&g->adjuster);
        g->last_proc_scan_ns = 0;
        return adjuster_init(&g->adjuster, &g->policy, g->root, ctl, g->self,
                             g->force_dry_run || g->policy.daemon.dry_run);
}

int guard_init(struct guard *g, const char *root, struct policy *policy, bool force_dry_run) {
        *g = (struct guard){ .root = root, .force_dry_run = force_dry_run, .self = getpid(),
                             .wake = { .machine_psi_fd = -1 }, .pc_fd = -1,
                             .restore_file = RESTORE_DEFAULT_FILE, .guardian = { .fd = -1 },
                             .last_wake = { .kind = WAKE_TIMEOUT, .cgroup = -1 } };
        /* Only the real root can be acted on: --root is always a dry run. */
        g->live = strcmp(root, "/") == 0;
        if (!g->live)
                g->force_dry_run = true;
        g->scratch = malloc(GUARD_SCRATCH_SIZE);
        if (!g->scratch || supervise_init(g) < 0) {
                free(g->scratch);
                return -ENOMEM;
        }
        int r = machine_sources_open(root, &g->machine);
        if (r < 0) {
                free(g->scratch);
                supervise_free(g);
                return log_error_errno(r, "cannot read %s/proc/meminfo: %m", root);
        }
        g->policy = *policy;
        *policy = (struct policy){0};
        r = cgroup_mounts_discover(root, &g->mounts);
        g->has_mounts = r == 0;
        if (r < 0)
                log_warning("no memory cgroup hierarchy found (%s): only [global] applies", strerror(-r));
        if (guard_adjust_setup(g) < 0)
                return -ENOMEM;
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

/* Kernel wakeups are armed only by a guard that acts (not --status). */
void guard_arm(struct guard *g) {
        if (!g->live)
                return; /* a fixture tree has no kernel behind it */
        wakeups_arm_machine(g);
        proc_events_open(g);
        g->armed = true;
        optin_announce(g);
        warm_up_kill_path(g);
}

int guard_set_policy(struct guard *g, struct policy *policy) {
        /* The new policy applies its modes afresh at the next tick. */
        optin_restore_all(g, "reload");
        policy_free(&g->policy);
        g->policy = *policy;
        *policy = (struct policy){0};
        if (guard_adjust_setup(g) < 0)
                log_warning("out of memory: [adjust:] rules not applied");
        /* Decisions point into the old policy's rules: forget them. */
        g->n_decisions = 0;
        g->global_firing = (struct firing){0};
        rankings_free(g); /* ranked under the old prefer / avoid / protect */
        /* Thresholds may have changed: re-arm everything. */
        for (size_t i = 0; i < g->cgroups.n; i++) {
                watched_cgroup_disarm(&g->cgroups.items[i]);
                g->cgroups.items[i].firing = (struct firing){0};
        }
        if (g->armed) {
                optin_announce(g);
                wakeups_arm_machine(g);
                proc_events_close(g);
                proc_events_open(g);
        }
        return guard_rescan(g);
}

void guard_free(struct guard *g) {
        optin_restore_all(g, "stopping");
        guardian_stop(&g->guardian);
        for (size_t i = 0; i < g->n_changes; i++)
                free(g->changes[i].path); /* failed to put back: left to --restore */
        free(g->changes);
        cgroup_set_free(&g->cgroups);
        wakeups_free(&g->wake);
        proc_events_close(g);
        supervise_free(g);
        adjuster_free(&g->adjuster);
        rankings_free(g);
        machine_sources_close(&g->machine);
        policy_free(&g->policy);
        free(g->decisions);
        free(g->scratch);
        *g = (struct guard){0};
}

const struct actuator *guard_actuator(const struct guard *g) {
        return (g->force_dry_run || g->policy.daemon.dry_run) ? &actuator_dry_run : &actuator_real;
}

/* At most max_kills_per_minute real actions in any 60 s, and none within
 * post_kill_delay of the previous one: one event must not become a storm. */
bool guard_rate_limited(const struct guard *g, uint64_t now) {
        const struct daemon_settings *s = &g->policy.daemon;
        if (g->n_kills && now - g->last_action_ns < s->post_kill_delay_ns)
                return true;
        return guard_kill_cap_reached(g, now);
}

bool guard_kill_cap_reached(const struct guard *g, uint64_t now) {
        const struct daemon_settings *s = &g->policy.daemon;
        unsigned max = s->max_kills_per_minute < GUARD_KILL_RING ? s->max_kills_per_minute : GUARD_KILL_RING;
        if (g->n_kills < max)
                return false;
        uint64_t oldest = g->kill_times[(g->n_kills - max) % GUARD_KILL_RING];
        return now - oldest < 60 * NSEC_PER_SEC;
}

void guard_record_action(struct guard *g, uint64_t now) {
        g->kill_times[g->n_kills % GUARD_KILL_RING] = now;
        g->n_kills++;
        g->last_action_ns = now;
}

