/* The opt-in modes at run time: applied each tick, put back when a
 * cgroup stops being watched, on reload and at a stop (see
 * actions/optin.h); the undo log is optin_changes.c. */
#include <string.h>

#include "optin_internal.h"
#include "outputs/log.h"

void optin_forget(struct watched_cgroup *w) {
        if (w->oom_fd >= 0)
                close(w->oom_fd);
        w->oom_fd = -1;
        w->tripwire = w->tripwire_for = 0;
        w->oom_handled = w->optin_refused = false;
        w->oom_since_ns = w->oom_gave_up_ns = 0;
}

static const struct rule *rule_of(const struct optin_ctx *c, const struct watched_cgroup *w) {
        return w->rule_index >= 0 ? &c->policy->cgroups[w->rule_index] : NULL;
}

/* Whether entry e is still wanted: a watched cgroup owns its file and
 * its rule still has the mode. */
static bool wanted(const struct optin_ctx *c, const struct restore_entry *e) {
        if (e->key == RESTORE_MEMORY_LIMIT)
                return false; /* a reclaim's step that failed to go back: now */
        const char *name = e->key == RESTORE_MEMORY_HIGH ? "memory.high" : "memory.oom_control";
        for (size_t i = 0; i < c->cgroups->n; i++) {
                const struct watched_cgroup *w = &c->cgroups->items[i];
                char path[4096];
                if (w->vanished || w->rule_index < 0 || optin_cgroup_file(c, w, name, path, sizeof(path)) < 0 ||
                    strcmp(path, e->path) != 0)
                        continue;
                const struct rule *r = rule_of(c, w);
                return e->key == RESTORE_MEMORY_HIGH ? r->tripwire.kind != SIZE_UNSET && w->tripwire
                                                     : r->oom_handler && w->oom_handled;
        }
        return false;
}

static bool unwanted(const struct restore_entry *e, const void *ud) { return !wanted(ud, e); }
static bool every(const struct restore_entry *e, const void *ud) { return true; }

void optin_sync(struct optin_state *s, const struct optin_ctx *c) {
        for (size_t i = 0; i < c->cgroups->n; i++) {
                struct watched_cgroup *w = &c->cgroups->items[i];
                const struct rule *r = rule_of(c, w);
                if (!r || (!r->oom_handler && !r->tripwire.kind)) /* rule changed at the rescan */
                        optin_forget(w);
        }
        optin_put_back_where(s, unwanted, c, "no longer watched with the mode");
}

void optin_restore_all(struct optin_state *s, const struct optin_ctx *c, const char *why) {
        for (size_t i = 0; i < c->cgroups->n; i++)
                optin_forget(&c->cgroups->items[i]);
        /* One that fails is logged and stays in the state file (--restore). */
        optin_put_back_where(s, every, NULL, why);
}

bool optin_tick(struct optin_state *s, const struct optin_ctx *c, int woken, uint64_t now) {
        bool tripwire_woke = false;
        if (!c->enabled)
                return false;
        for (size_t i = 0; i < c->cgroups->n; i++) {
                const struct watched_cgroup *w = &c->cgroups->items[i];
                if (w->vanished || w->rule_index < 0 || !c->cgroups->views[i].valid)
                        continue;
                const struct rule *r = rule_of(c, w);
                if (r->tripwire.kind != SIZE_UNSET && w->files.version == CGROUP_V2 && optin_tripwire_tick(s, c, i) &&
                    (int)i == woken)
                        tripwire_woke = true;
                if (r->oom_handler && w->files.version == CGROUP_V1)
                        optin_oom_tick(s, c, i, now);
                /* A v1 reclaim steps the limit down (actions/reclaim.h): the
                 * guardian started now, not on the way to a kill. */
                if ((r->reclaim_first || r->action == ACTION_RECLAIM) && w->files.version == CGROUP_V1 &&
                    !s->guardian.pid)
                        (void)guardian_ensure(&s->guardian, s->restore_file, s->owner_fd);
        }
        return tripwire_woke;
}

/* A rule with both modes (the shipped one) fits either hierarchy: only a
 * rule whose every mode misfits is worth a warning. */
void optin_announce(const struct optin_ctx *c) {
        if (!c->mounts)
                return;
        for (size_t i = 0; i < c->policy->n_cgroups; i++) {
                const struct rule *r = &c->policy->cgroups[i];
                bool v1 = c->mounts->memory_version == CGROUP_V1, tripwire = r->tripwire.kind != SIZE_UNSET;
                if (tripwire && v1 && !r->oom_handler)
                        log_warning(
                                "rule %s: tripwire is for cgroup v2 (memory.high); this memory hierarchy is v1: ignored",
                                r->name);
                if (r->oom_handler && !v1 && !tripwire)
                        log_warning(
                                "rule %s: oom_handler is for cgroup v1 (oom_kill_disable); this memory hierarchy is v2: "
                                "ignored",
                                r->name);
                if ((tripwire || r->oom_handler) && !c->enabled)
                        log_info("rule %s: dry run: tripwire / oom_handler change nothing", r->name);
        }
}
