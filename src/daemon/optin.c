/* The opt-in modes' bookkeeping: the list of changes, the state file, the
 * guardian, putting back (see daemon/optin.h). Off the hot path: entries
 * are added when a mode is applied, not per tick. */
#include <stdio.h>
#include <string.h>

#include "daemon/optin.h"
#include "outputs/log.h"

bool optin_enabled(const struct guard *g) {
        return g->armed && g->live && guard_actuator(g) == &actuator_real;
}

int optin_cgroup_file(const struct guard *g, const struct watched_cgroup *w, const char *name,
                      char *buf, size_t size) {
        char dir[4096];
        int r = path_join(dir, sizeof(dir), g->mounts.memory_mount, w->path);
        return r < 0 ? r : path_join(buf, size, dir, name);
}

static void replay_report(const struct restore_entry *e, int r, void *ud) {
        const char *who = ud;
        if (r > 0)
                log_notice("%s: restored %s = %s in %s", who, restore_key_to_string(e->key), e->original, e->path);
        else if (r < 0)
                log_warning("%s: cannot restore %s in %s: %s", who, restore_key_to_string(e->key), e->path,
                            strerror(-r));
}

int optin_replay(const char *state_file, const char *who) {
        int lock = restore_file_lock(state_file);
        if (lock < 0)
                log_warning("%s: cannot lock %s.lock: %s", who, state_file, strerror(-lock));
        int r = restore_file_replay(state_file, replay_report, (void *)who);
        if (lock >= 0)
                close(lock);
        if (r < 0 && r != -ENOENT)
                log_warning("%s: cannot read %s: %s", who, state_file, strerror(-r));
        return r == -ENOENT ? 0 : r;
}

static ssize_t find(const struct guard *g, enum restore_key key, const char *path) {
        for (size_t i = 0; i < g->n_changes; i++)
                if (g->changes[i].key == key && strcmp(g->changes[i].path, path) == 0)
                        return (ssize_t)i;
        return -1;
}

static int save(struct guard *g) {
        int r = restore_file_write(g->restore_file, g->changes, g->n_changes);
        if (r < 0)
                log_warning("cannot write %s: %s", g->restore_file, strerror(-r));
        return r;
}

static void drop(struct guard *g, size_t i) {
        free(g->changes[i].path);
        g->changes[i] = g->changes[--g->n_changes];
}

static int append(struct guard *g, enum restore_key key, const char *path, const char *original) {
        if (g->n_changes == g->cap_changes) {
                size_t cap = g->cap_changes ? 2 * g->cap_changes : 8;
                struct restore_entry *a = reallocarray(g->changes, cap, sizeof(*a));
                if (!a)
                        return -ENOMEM;
                g->changes = a;
                g->cap_changes = cap;
        }
        struct restore_entry e = { .key = key, .path = strdup(path) };
        if (!e.path)
                return -ENOMEM;
        snprintf(e.original, sizeof(e.original), "%s", original);
        g->changes[g->n_changes++] = e;
        return 0;
}

/* Listed (and the guardian alive) before the write, so that a crash right
 * after it is put back too. An earlier entry for the same file keeps its
 * original: the file holds our older value. */
int optin_record(struct guard *g, enum restore_key key, const char *path, const char *original,
                 const char *ours) {
        int r = guardian_ensure(&g->guardian, g->restore_file);
        if (r < 0)
                return log_error_errno(r, "cannot start the guardian process: %m; not changing %s", path);
        ssize_t i = find(g, key, path);
        bool added = i < 0;
        if (added && (r = append(g, key, path, original)) < 0)
                return r;
        if (added)
                i = (ssize_t)g->n_changes - 1;
        char before[sizeof(g->changes[i].ours)];
        snprintf(before, sizeof(before), "%s", g->changes[i].ours);
        snprintf(g->changes[i].ours, sizeof(g->changes[i].ours), "%s", ours);
        if ((r = save(g)) < 0) {
                /* Not saved: not made. An entry that was there already keeps
                 * its original (and the value we had written). */
                if (added)
                        drop(g, (size_t)i);
                else
                        snprintf(g->changes[i].ours, sizeof(g->changes[i].ours), "%s", before);
        }
        return r;
}

static int put_back_at(struct guard *g, size_t i, const char *why) {
        const struct restore_entry *e = &g->changes[i];
        int r = restore_entry_apply(e);
        if (r > 0)
                log_info("restored %s = %s in %s (%s)", restore_key_to_string(e->key), e->original, e->path, why);
        else if (r < 0)
                log_warning("cannot restore %s = %s in %s: %s", restore_key_to_string(e->key), e->original,
                            e->path, strerror(-r));
        if (r >= 0) {
                drop(g, i);
                (void)save(g);
        }
        return r;
}

int optin_put_back(struct guard *g, enum restore_key key, const char *path, const char *why) {
        ssize_t i = find(g, key, path);
        return i < 0 ? 0 : put_back_at(g, (size_t)i, why);
}

void optin_forget(struct watched_cgroup *w) {
        if (w->oom_fd >= 0)
                close(w->oom_fd);
        w->oom_fd = -1;
        w->tripwire = w->tripwire_for = 0;
        w->oom_handled = w->optin_refused = false;
        w->oom_since_ns = w->oom_gave_up_ns = 0;
}

/* Whether entry e is still wanted: a watched cgroup owns its file and
 * its rule still has the mode. */
static bool wanted(const struct guard *g, const struct restore_entry *e) {
        const char *name = e->key == RESTORE_MEMORY_HIGH ? "memory.high" : "memory.oom_control";
        for (size_t i = 0; i < g->cgroups.n; i++) {
                const struct watched_cgroup *w = &g->cgroups.items[i];
                char path[4096];
                if (w->vanished || w->rule_index < 0 || optin_cgroup_file(g, w, name, path, sizeof(path)) < 0 ||
                    strcmp(path, e->path) != 0)
                        continue;
                const struct rule *r = &g->policy.cgroups[w->rule_index];
                return e->key == RESTORE_MEMORY_HIGH ? r->tripwire.kind != SIZE_UNSET && w->tripwire
                                                     : r->oom_handler && w->oom_handled;
        }
        return false;
}

void optin_sync(struct guard *g) {
        for (size_t i = 0; i < g->cgroups.n; i++) {
                struct watched_cgroup *w = &g->cgroups.items[i];
                const struct rule *r = w->rule_index >= 0 ? &g->policy.cgroups[w->rule_index] : NULL;
                if (!r || (!r->oom_handler && !r->tripwire.kind)) /* rule changed at the rescan */
                        optin_forget(w);
        }
        for (size_t i = g->n_changes; i-- > 0;)
                if (!wanted(g, &g->changes[i]))
                        (void)put_back_at(g, i, "no longer watched with the mode");
}

void optin_restore_all(struct guard *g, const char *why) {
        for (size_t i = 0; i < g->cgroups.n; i++)
                optin_forget(&g->cgroups.items[i]);
        /* One that fails is logged and stays in the state file (--restore). */
        for (size_t i = g->n_changes; i-- > 0;)
                (void)put_back_at(g, i, why);
}

void optin_tick(struct guard *g, uint64_t now) {
        if (!optin_enabled(g))
                return;
        for (size_t i = 0; i < g->cgroups.n; i++) {
                const struct watched_cgroup *w = &g->cgroups.items[i];
                if (w->vanished || w->rule_index < 0 || !g->cgroups.views[i].valid)
                        continue;
                const struct rule *r = &g->policy.cgroups[w->rule_index];
                if (r->tripwire.kind != SIZE_UNSET && w->files.version == CGROUP_V2)
                        optin_tripwire_tick(g, i);
                if (r->oom_handler && w->files.version == CGROUP_V1)
                        optin_oom_tick(g, i, now);
        }
}

void optin_announce(const struct guard *g) {
        if (!g->has_mounts)
                return;
        for (size_t i = 0; i < g->policy.n_cgroups; i++) {
                const struct rule *r = &g->policy.cgroups[i];
                bool v1 = g->mounts.memory_version == CGROUP_V1;
                if (r->tripwire.kind != SIZE_UNSET && v1)
                        log_warning("rule %s: tripwire is for cgroup v2 (memory.high); this memory hierarchy is v1: ignored",
                                    r->name);
                if (r->oom_handler && !v1)
                        log_warning("rule %s: oom_handler is for cgroup v1 (oom_kill_disable); this memory hierarchy is v2: "
                                    "ignored", r->name);
                if ((r->tripwire.kind != SIZE_UNSET || r->oom_handler) && !optin_enabled(g))
                        log_info("rule %s: dry run: tripwire / oom_handler change nothing", r->name);
        }
}
