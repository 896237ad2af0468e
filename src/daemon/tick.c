/* One tick: sources → snapshot → policy → actions. Hot path: pread and
 * parse into memory allocated at setup; no allocation unless the
 * periodic cgroup rescan is due. */
#include <string.h>

#include "daemon/guard.h"
#include "outputs/log.h"

static uint64_t repeat_after(const struct guard *g, const struct decision *d) {
        bool acts = guard_actuator(g) == &actuator_real && d->action != ACTION_WARN;
        return acts ? g->policy.daemon.post_kill_delay_ns : GUARD_REPEAT_LOG_NS;
}

static struct firing *firing_of(struct guard *g, const struct decision *d) {
        if (!d->cgroup)
                return &g->global_firing;
        return &g->cgroups.items[d->cgroup - g->cgroups.views].firing;
}

static void handle_decision(struct guard *g, const struct decision *d, uint64_t now) {
        struct firing *f = firing_of(g, d);
        bool due = !f->active || now - f->last_acted_ns >= repeat_after(g, d);
        if (!f->active)
                f->since_ns = now;
        f->active = true;
        if (!due)
                return;
        f->last_acted_ns = now;
        const struct action_ctx ctx = { .root = g->root, .mounts = &g->mounts,
                                        .settings = &g->policy.daemon };
        int r = guard_actuator(g)->execute(&ctx, d);
        if (r < 0 && r != -EOPNOTSUPP)
                log_warning("rule %s: %s failed: %s", d->rule->name,
                            action_kind_to_string(d->action), strerror(-r));
}

static void clear_firing(struct firing *f, const char *rule, const char *target) {
        if (!f->active)
                return;
        const struct log_field fields[] = { { "OOMGUARD_RULE", rule }, { "OOMGUARD_CGROUP", target } };
        log_event(LOG_INFO, MSGID_CLEARED, fields, ELEMENTSOF(fields),
                  "rule %s on %s: back below its thresholds", rule, target);
        *f = (struct firing){0};
}

/* Rules that fired last tick and did not fire now have cleared. */
static void clear_stale(struct guard *g, size_t n) {
        bool global_fired = false;
        for (size_t i = 0; i < n; i++)
                if (!g->decisions[i].cgroup)
                        global_fired = true;
        if (!global_fired)
                clear_firing(&g->global_firing, "global", "/");
        for (size_t i = 0; i < g->cgroups.n; i++) {
                bool fired = false;
                for (size_t j = 0; j < n && !fired; j++)
                        fired = g->decisions[j].cgroup == &g->cgroups.views[i];
                if (!fired && g->cgroups.items[i].rule_index >= 0)
                        clear_firing(&g->cgroups.items[i].firing,
                                     g->policy.cgroups[g->cgroups.items[i].rule_index].name,
                                     g->cgroups.items[i].path);
        }
}

size_t guard_tick(struct guard *g, bool act) {
        uint64_t now = now_ns();
        if (now - g->last_rescan_ns >= g->policy.daemon.rescan_interval_ns)
                (void)guard_rescan(g); /* rare; allocates */
        machine_sources_read(&g->machine, g->scratch, GUARD_SCRATCH_SIZE, &g->snap.machine);
        cgroup_set_read(&g->cgroups, now, g->scratch, GUARD_SCRATCH_SIZE);
        g->snap.now_ns = now;
        g->snap.cgroups = g->cgroups.views;
        g->snap.n_cgroups = g->cgroups.n;
        size_t n = policy_evaluate(&g->policy, &g->snap, g->decisions, g->decisions_cap);
        g->n_decisions = n < g->decisions_cap ? n : g->decisions_cap;
        if (act) {
                for (size_t i = 0; i < g->n_decisions; i++)
                        handle_decision(g, &g->decisions[i], now);
                clear_stale(g, g->n_decisions);
        }
        return g->n_decisions;
}
