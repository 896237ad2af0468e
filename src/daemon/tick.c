/* One tick: sources → snapshot → policy → actions. Hot path: pread and
 * parse into memory allocated at setup; no allocation unless the
 * periodic cgroup rescan is due. */
#include <stdio.h>
#include <string.h>

#include "daemon/guard.h"
#include "daemon/optin.h"
#include "daemon/proc_events.h"
#include "daemon/supervise.h"
#include "daemon/tick.h"
#include "outputs/log.h"

static bool acts_for_real(const struct guard *g, const struct decision *d) {
        return guard_actuator(g) == &actuator_real && d->action != ACTION_WARN;
}

static uint64_t repeat_after(const struct guard *g, const struct decision *d) {
        return acts_for_real(g, d) ? g->policy.daemon.post_kill_delay_ns : GUARD_REPEAT_LOG_NS;
}

static struct firing *firing_of(struct guard *g, const struct decision *d) {
        if (!d->cgroup)
                return &g->global_firing;
        return &g->cgroups.items[d->cgroup - g->cgroups.views].firing;
}

void guard_action_ctx(struct guard *g, const char *wakeup, struct action_ctx *ret) {
        *ret = (struct action_ctx){ .root = g->root, .mounts = g->has_mounts ? &g->mounts : NULL,
                                    .settings = &g->policy.daemon, .wakeup = wakeup, .self = g->self,
                                    .machine_bytes = g->snap.machine.mem.mem_total + g->snap.machine.mem.swap_total,
                                    .supervisors = g->policy.supervisors, .n_supervisors = g->policy.n_supervisors,
                                    .restarted = supervise_restarted, .killed = supervise_on_kill,
                                    .restarted_ud = g };
}

static int execute(struct guard *g, const struct decision *d, uint64_t now) {
        char wakeup[96];
        const struct wakeup *w = &g->last_wake;
        snprintf(wakeup, sizeof(wakeup), "%s%s%s", wakeup_kind_to_string(w->kind),
                 w->cgroup >= 0 ? " on " : "", w->cgroup >= 0 && (size_t)w->cgroup < g->cgroups.n
                 ? g->cgroups.items[w->cgroup].path : "");
        struct action_ctx ctx;
        guard_action_ctx(g, wakeup, &ctx);
        struct rank_used_ctx used = {0}; /* left as is when there is no ranking */
        ctx.ranking = rankings_for(g, d, &used);
        ctx.read_used = used.fn;
        ctx.used_ud = used.ud;
        /* Events still queued in the connector's socket are not in births:
         * then the ranking cannot answer (no dispatch on the kill path). */
        if (ctx.ranking && g->births.active && !proc_events_pending(g))
                ctx.births = &g->births;
        int r = guard_actuator(g)->execute(&ctx, d);
        /* Only what was done counts toward the kill cap ("no victim" is
         * not a kill); post_kill_delay counts from the end of the wait. */
        if (acts_for_real(g, d) && r >= 0)
                guard_record_action(g, now_ns());
        if (r < 0 && r != -ESRCH)
                log_warning("rule %s: %s failed: %s", d->rule->name,
                            action_kind_to_string(d->action), strerror(-r));
        return r;
}

static void handle_decision(struct guard *g, const struct decision *d, uint64_t now) {
        struct firing *f = firing_of(g, d);
        if (!f->active) {
                *f = (struct firing){ .active = true, .since_ns = now };
                f->last_acted_ns = 0;
        }
        /* Under OOM the cgroup's tasks wait for us: no `for`, no pacing
         * but the kill cap (optin_tick hands it to the kernel after 1 s). */
        if (!d->oom && now - f->since_ns < d->rule->for_ns)
                return; /* must stay crossed for `for` first */
        if (!d->oom && f->last_acted_ns && now - f->last_acted_ns < repeat_after(g, d))
                return;
        if (acts_for_real(g, d) && guard_rate_limited(g, now)) {
                if (!f->rate_limited_logged)
                        log_warning("rule %s: not acting: %u actions in the last minute (max_kills_per_minute) "
                                    "or within post_kill_delay", d->rule->name, g->policy.daemon.max_kills_per_minute);
                f->rate_limited_logged = true;
                if (d->oom && guard_kill_cap_reached(g, now))
                        optin_oom_give_up(g, d->cgroup, "max_kills_per_minute reached");
                return;
        }
        f->last_acted_ns = now;
        int r = execute(g, d, now);
        if (d->oom && r < 0 && acts_for_real(g, d))
                optin_oom_give_up(g, d->cgroup, r == -ESRCH ? "no victim" : "the action failed");
}

size_t guard_tick(struct guard *g, bool act) {
        uint64_t now = now_ns();
        if (now - g->last_rescan_ns >= g->policy.daemon.rescan_interval_ns || g->cgroups.vanished)
                (void)guard_rescan(g); /* rare; allocates */
        if (act && g->live && guard_wants_proc_events(g) &&
            now - g->last_proc_scan_ns >= proc_scan_interval_ns(g))
                guard_proc_rescan(g); /* catches what the connector missed, or replaces it */
        if (act)
                supervise_tick(g, now, false);
        if (act && g->live)
                adjust_enforce_tick(&g->adjuster, now); /* enforce = yes: one pread each */
        if (act)
                adjust_flush(&g->adjuster); /* counts held back by the log rate */
        machine_sources_read(&g->machine, g->scratch, GUARD_SCRATCH_SIZE, &g->snap.machine);
        g->snap.machine.psi_trigger_fired = act && g->last_wake.kind == WAKE_MACHINE_PSI;
        int woken = g->last_wake.kind == WAKE_TIMEOUT || g->last_wake.kind == WAKE_SIGNAL ? -1 : g->last_wake.cgroup;
        /* --status and the first ticks read everything (act: cold reads). */
        cgroup_set_read(&g->cgroups, now, act ? GUARD_COLD_READ_NS : 0, woken, g->scratch, GUARD_SCRATCH_SIZE);
        if (act)
                optin_tick(g, now); /* tripwire / oom_handler, on fresh data */
        g->snap.now_ns = now;
        g->snap.cgroups = g->cgroups.views;
        g->snap.n_cgroups = g->cgroups.n;
        size_t n = policy_evaluate(&g->policy, &g->snap, g->decisions, g->decisions_cap);
        g->n_decisions = n < g->decisions_cap ? n : g->decisions_cap;
        if (act) {
                for (size_t i = 0; i < g->n_decisions; i++)
                        handle_decision(g, &g->decisions[i], now);
                tick_clear_stale(g, g->n_decisions);
        }
        tick_arm_and_heat(g, g->n_decisions);
        if (act)
                rankings_tick(g); /* after acting: a slice of walking, within its budget */
        return g->n_decisions;
}
