/* One tick: sources → snapshot → policy → actions. Hot path: pread and
 * parse into memory allocated at setup; no allocation unless the
 * periodic cgroup rescan is due. */
#include <stdio.h>
#include <string.h>

#include "alarms_watch.h"
#include "context.h"
#include "outputs/log.h"
#include "proc_events.h"
#include "tick.h"
#include "trend_watch.h"

static bool acts_for_real(const struct guard *g, const struct decision *d) {
        return context_acts_for_real(g) && d->action != ACTION_WARN;
}

static struct firing *firing_of(struct guard *g, const struct decision *d) {
        if (!d->cgroup)
                return &g->global_firing;
        return &g->cgroups.items[d->cgroup - g->cgroups.views].firing;
}

static void give_up_oom(struct guard *g, const struct decision *d, const char *why) {
        const struct optin_ctx oc = context_optin(g);
        optin_oom_give_up(&g->optin, &oc, (size_t)(d->cgroup - g->cgroups.views), why);
}

static void describe_wakeup(const struct guard *g, char *buf, size_t size) {
        const struct wakeup *w = &g->last_wake;
        bool on_cgroup = w->cgroup >= 0 && (size_t)w->cgroup < g->cgroups.n;
        snprintf(buf, size, "%s%s%s", wakeup_kind_to_string(w->kind), w->cgroup >= 0 ? " on " : "",
                 on_cgroup ? g->cgroups.items[w->cgroup].path : "");
}

/* A report for every action, and for a warning (or a dry run) once an
 * episode: not for its reminders. */
static bool wants_report(const struct guard *g, const struct decision *d, bool first_of_episode) {
        return acts_for_real(g, d) || first_of_episode;
}

static int execute(struct guard *g, const struct decision *d, struct firing *f, bool first_of_episode) {
        char wakeup[96];
        describe_wakeup(g, wakeup, sizeof(wakeup));
        struct action_ctx ctx;
        context_action(g, wakeup, &ctx);
        const struct rankings_ctx rc = context_rankings(g, &ctx);
        struct rank_used_ctx used = { 0 }; /* left as is when there is no ranking */
        ctx.ranking = rankings_for(&g->rankings, &rc, d, &used);
        ctx.read_used = used.fn;
        ctx.used_ud = used.ud;
        /* Events still queued in the connector's socket are not in births:
         * then the ranking cannot answer (no dispatch on the kill path). */
        if (ctx.ranking && g->births.active && !proc_events_pending(g))
                ctx.births = &g->births;
        ctx.report = wants_report(g, d, first_of_episode) ? reports_begin_action(g) : NULL;
        int r = context_actuator(g)->execute(&ctx, d);
        metrics_wire_action(g, d, r, !context_acts_for_real(g));
        /* Written after the tick's decisions (reports_flush). A rule that
         * keeps finding no victim is reported once an episode, not at
         * every post_kill_delay. */
        if (ctx.report)
                reports_keep(g, ctx.report, r >= 0 || first_of_episode);
        /* Only what was done counts toward the kill cap ("no victim" is
         * not a kill); post_kill_delay counts from the end of the wait. */
        uint64_t end = now_ns();
        if (acts_for_real(g, d)) {
                if (r >= 0 && r != ACTION_RECLAIMED) /* a reclaim alone is no kill */
                        pacing_record(&g->pacing, end);
                pacing_target_acted(f, &g->policy.daemon, end, r == ACTION_PENDING);
        }
        if (r < 0 && r != -ESRCH)
                log_warning("rule %s: %s failed: %s", d->rule->name, action_kind_to_string(d->action), strerror(-r));
        return r;
}

/* Whether pacing lets d act now on its target f (see actions/pacing.h);
 * what holds it back is logged once an episode. Under OOM the cgroup's
 * tasks wait for us: no `for` (optin_tick hands the OOM to the kernel
 * after 1 s), and at the cap it goes to the kernel at once. stale: this
 * tick acted already, so d was decided on memory that has changed since
 * (a [global] kill may have taken this cgroup's hog): the next tick, on
 * fresh data, decides again. */
static bool paced(struct guard *g, const struct decision *d, struct firing *f, uint64_t now, bool stale) {
        const struct daemon_settings *s = &g->policy.daemon;
        if (!d->oom && now - f->since_ns < d->rule->for_ns)
                return false;     /* must stay crossed for `for` first */
        if (!acts_for_real(g, d)) /* warn, dry run: once, then a reminder */
                return !f->last_acted_ns || now - f->last_acted_ns >= TICK_REPEAT_LOG_NS;
        if (stale)
                return false;
        if (pacing_target_held(f, now)) {
                if (!f->last_acted_ns && !f->hold_logged) { /* a new episode, the last victim still exiting */
                        char path[512];
                        sanitize_copy(path, sizeof(path), d->cgroup ? d->cgroup->path : "/");
                        log_info("rule %s on %s: not acting yet: the last victim is still exiting (post_kill_delay)",
                                 d->rule->name, path);
                }
                f->hold_logged = true;
                return false;
        }
        if (pacing_cap_reached(&g->pacing, s, now)) {
                if (!f->cap_logged)
                        log_warning("rule %s: not acting: %u kills in the last minute (max_kills_per_minute)",
                                    d->rule->name, s->max_kills_per_minute);
                f->cap_logged = true;
                if (d->oom)
                        give_up_oom(g, d, "max_kills_per_minute reached");
                return false;
        }
        return true;
}

/* Returns whether it acted for real: something was killed, stopped or
 * reclaimed, so that memory has changed (no victim changes nothing). */
static bool handle_decision(struct guard *g, const struct decision *d, uint64_t now, bool stale) {
        struct firing *f = firing_of(g, d);
        if (!d->cgroup) /* what holds the episode open between trigger signals (tick_state.c) */
                g->global_by_psi = g->snap.machine.psi_trigger_fired;
        if (!f->active) { /* a new episode; a hold may remain (pacing_target_cleared) */
                f->active = true;
                f->since_ns = now;
        }
        if (!paced(g, d, f, now, stale))
                return false;
        bool first = !f->last_acted_ns;
        f->last_acted_ns = now;
        int r = execute(g, d, f, first);
        if (d->oom && r < 0 && acts_for_real(g, d))
                give_up_oom(g, d, r == -ESRCH ? "no victim" : "the action failed");
        return acts_for_real(g, d) && r >= 0;
}

/* Before the read: what follows processes (adjust, the supervisor watch). */
static void follow_processes(struct guard *g, uint64_t now) {
        if (g->live && proc_events_wanted(g) && now - g->last_proc_scan_ns >= proc_events_rescan_interval_ns(g))
                proc_events_rescan(g); /* catches what the connector missed, or replaces it */
        const struct supervise_ctx sc = context_supervise(g);
        supervise_tick(&g->supervise, &sc, now, false);
        if (g->live)
                adjust_enforce_tick(&g->adjuster, now); /* enforce = yes: one pread each */
        adjust_flush(&g->adjuster);                     /* counts held back by the log rate */
}

static void apply_optin(struct guard *g, uint64_t now) {
        const struct optin_ctx oc = context_optin(g);
        int woken = g->last_wake.kind == WAKE_V2_EVENTS ? g->last_wake.cgroup : -1;
        if (optin_tick(&g->optin, &oc, woken, now))
                g->last_wake.kind = WAKE_V2_TRIPWIRE; /* the throttle at memory.high woke us */
}

/* After acting: a slice of walking, within its budget; a ranking that
 * wants births opens the connector. */
static void keep_rankings(struct guard *g) {
        if (!g->live)
                return;
        struct action_ctx ctx;
        context_action(g, "", &ctx);
        const struct rankings_ctx rc = context_rankings(g, &ctx);
        rankings_tick(&g->rankings, &rc);
        if (g->armed && g->pc_fd < 0 && !g->births_refused && rankings_want_births(&g->rankings)) {
                proc_events_open(g); /* polled from the next loop turn on */
                if (g->pc_fd >= 0)
                        rankings_rewalk(&g->rankings);
        }
}

static void read_sources(struct guard *g, bool act, uint64_t now) {
        machine_sources_read(&g->machine, g->scratch, GUARD_SCRATCH_SIZE, &g->snap.machine);
        g->snap.machine.psi_trigger_fired = act && (g->machine_psi_woke || g->last_wake.kind == WAKE_MACHINE_PSI);
        g->machine_psi_woke = false;
        if (g->snap.machine.psi_trigger_fired)
                g->machine_psi_fired_ns = now;
        g->snap.machine.psi_trigger_armed = act && g->wake.machine_psi_fd >= 0;
        int woken = g->last_wake.kind == WAKE_TIMEOUT || g->last_wake.kind == WAKE_SIGNAL ? -1 : g->last_wake.cgroup;
        /* --status and the first ticks read everything (act: cold reads). */
        cgroup_set_read(&g->cgroups, now, act ? TICK_COLD_READ_NS : 0, woken, g->scratch, GUARD_SCRATCH_SIZE);
}

/* The cgroups' kernel events since the last evaluation, into the views
 * the policy reads (--status and the first ticks see none). */
static void note_cgroup_events(struct guard *g, bool act) {
        for (size_t i = 0; i < g->cgroups.n; i++) {
                struct watched_cgroup *w = &g->cgroups.items[i];
                g->cgroups.views[i].psi_trigger_fired = act && w->psi_woke;
                g->cgroups.views[i].tripwire_hit = act && w->tripwire_rose;
                g->cgroups.views[i].oom_handler_ours = w->oom_handled;
                w->psi_woke = w->tripwire_rose = false;
        }
}

size_t tick_run(struct guard *g, bool act) {
        uint64_t now = now_ns();
        if (act && sidecar_app_due(g, now))
                sidecar_app_follow(g); /* --sidecar=PROGRAM: the app exited, or is not back yet */
        if (now - g->last_rescan_ns >= g->policy.daemon.rescan_interval_ns || g->cgroups.vanished)
                (void)guard_rescan(g); /* rare; allocates */
        if (act)
                follow_processes(g, now);
        read_sources(g, act, now);
        if (act)
                apply_optin(g, now); /* tripwire / oom_handler, on fresh data */
        note_cgroup_events(g, act);
        g->snap.now_ns = now;
        g->snap.cgroups = g->cgroups.views;
        g->snap.n_cgroups = g->cgroups.n;
        size_t n = policy_evaluate(&g->policy, &g->snap, g->decisions, g->decisions_cap);
        g->n_decisions = n < g->decisions_cap ? n : g->decisions_cap;
        if (act) {
                bool acted = false;
                for (size_t i = 0; i < g->n_decisions; i++)
                        acted |= handle_decision(g, &g->decisions[i], now, acted);
                reports_flush(g, false); /* after every action of the tick */
                tick_clear_stale(g, g->n_decisions);
                alarms_watch_tick(g);     /* off the kill path: after the actions */
                trend_watch_tick(g, now); /* leak forecasts: warnings, off the kill path */
        }
        tick_arm_and_heat(g, g->n_decisions);
        if (act) {
                keep_rankings(g);
                reports_tick(g, now);
        }
        return g->n_decisions;
}
