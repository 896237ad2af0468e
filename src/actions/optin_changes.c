/* The opt-in modes' undo log: the list of changes, the state file, the
 * guardian, putting back (see actions/optin.h). Off the hot path: entries
 * are added when a mode is applied, not per tick. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "optin_internal.h"
#include "outputs/log.h"

void optin_state_init(struct optin_state *s, const char *restore_file) {
        *s = (struct optin_state){
                .restore_file = restore_file, .guardian = { .fd = -1 }, .owner_fd = -1, .anchor_fd = -1
        };
}

void optin_state_free(struct optin_state *s) {
        guardian_stop(&s->guardian);
        for (size_t i = 0; i < s->n_changes; i++)
                free(s->changes[i].path); /* failed to put back: left to --restore */
        free(s->changes);
        s->changes = NULL;
        s->n_changes = s->cap_changes = 0;
        optin_set_anchor(s, (struct restore_anchor){ 0 }, -1, "");
}

int optin_cgroup_file(const struct optin_ctx *c, const struct watched_cgroup *w, const char *name, char *buf,
                      size_t size) {
        char dir[4096];
        if (!c->mounts)
                return -ENOENT;
        int r = path_join(dir, sizeof(dir), c->mounts->memory_mount, w->path);
        return r < 0 ? r : path_join(buf, size, dir, name);
}

static void replay_report(const struct restore_entry *e, int r, void *ud) {
        const char *who = ud;
        char why[160];
        if (r == -ESTALE)
                log_warning("%s: not restoring %s = %s in %s: %s", who, restore_key_to_string(e->key), e->original,
                            e->path, restore_stale_reason(e, why, sizeof(why)));
        else if (r > 0)
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

static ssize_t find(const struct optin_state *s, enum restore_key key, const char *path) {
        for (size_t i = 0; i < s->n_changes; i++)
                if (s->changes[i].key == key && strcmp(s->changes[i].path, path) == 0)
                        return (ssize_t)i;
        return -1;
}

/* The whole list into the state file; appended: only the last entry is
 * new, one line appended (a full rewrite per cgroup made taking 1,000
 * cgroups quadratic). */
static int save(struct optin_state *s, bool appended) {
        int r = appended ? restore_file_append(s->restore_file, s->changes, s->n_changes)
                         : restore_file_write(s->restore_file, s->changes, s->n_changes);
        if (r < 0)
                log_warning("cannot write %s: %s", s->restore_file, strerror(-r));
        return r;
}

static void drop(struct optin_state *s, size_t i) {
        free(s->changes[i].path);
        s->changes[i] = s->changes[--s->n_changes];
}

static int append(struct optin_state *s, enum restore_key key, const char *path, const char *original) {
        pid_t pid = restore_path_pid(path);
        /* Through /proc/PID/root: only the anchor's (the app the daemon
         * holds a pidfd of), whose identity goes with the entry. */
        if (pid && pid != s->anchor.pid)
                return log_error_errno(-ESRCH, "not changing %s: pid %d is not the app's process oomguard follows",
                                       path, (int)pid);
        if (GROW(s->changes, s->cap_changes, s->n_changes + 1) < 0)
                return -ENOMEM;
        struct restore_entry e = { .key = key,
                                   .anchor = pid ? s->anchor : (struct restore_anchor){ 0 },
                                   .path = strdup(path) };
        if (!e.path)
                return -ENOMEM;
        snprintf(e.original, sizeof(e.original), "%s", original);
        s->changes[s->n_changes++] = e;
        return 0;
}

/* Listed (and the guardian alive) before the write, so that a crash right
 * after it is put back too. An earlier entry for the same file keeps its
 * original: the file holds our older value. */
int optin_record(struct optin_state *s, enum restore_key key, const char *path, const char *original,
                 const char *ours) {
        int r = guardian_ensure(&s->guardian, s->restore_file, s->owner_fd);
        if (r < 0)
                return log_error_errno(r, "cannot start the guardian process: %m; not changing %s", path);
        ssize_t i = find(s, key, path);
        bool added = i < 0;
        if (added && (r = append(s, key, path, original)) < 0)
                return r;
        if (added)
                i = (ssize_t)s->n_changes - 1;
        struct restore_entry *e = &s->changes[i];
        char before[sizeof(e->ours)];
        snprintf(before, sizeof(before), "%s", e->ours);
        snprintf(e->ours, sizeof(e->ours), "%s", ours);
        if ((r = save(s, added)) < 0) {
                /* Not saved: not made. An entry that was there already keeps
                 * its original (and the value we had written). */
                if (added)
                        drop(s, (size_t)i);
                else
                        snprintf(e->ours, sizeof(e->ours), "%s", before);
        }
        return r;
}

static bool made_for(const struct restore_entry *e, struct restore_anchor a) {
        return a.pid && e->anchor.pid == a.pid && e->anchor.starttime == a.starttime;
}

static bool below(const char *path, const char *mount) {
        size_t len = strlen(mount);
        return len && strncmp(path, mount, len) == 0 && path[len] == '/';
}

/* Through dirfd, the cgroup mount at mount (a path through /proc/PID/root);
 * -ESTALE when e is not below it, or there is no fd. */
static int apply_through(const struct restore_entry *e, int dirfd, const char *mount) {
        if (dirfd < 0 || !below(e->path, mount))
                return -ESTALE;
        return restore_entry_apply_at(e, dirfd, e->path + strlen(mount));
}

/* Whether the cgroup of the container's mount held at fd was removed. */
static bool container_gone(int fd) { return faccessat(fd, "cgroup.procs", F_OK, 0) < 0 && errno_is_vanished(errno); }

/* Puts entry i back and drops it from the list; the file is saved by the
 * caller (once for many). The anchor's entries go through its mount, held:
 * it may have exited before the tick that would hand them over, and its
 * /proc/PID/root is gone then, but its cgroup may not be. */
static int put_back_unsaved(struct optin_state *s, size_t i, const char *why) {
        const struct restore_entry *e = &s->changes[i];
        char stale[160];
        bool held = made_for(e, s->anchor) && s->anchor_fd >= 0 && below(e->path, s->anchor_mount);
        int r = held ? apply_through(e, s->anchor_fd, s->anchor_mount) : restore_entry_apply(e);
        /* Held, a file gone is a cgroup below the container's that went
         * (dropped quietly, as without the fd) unless the container's own
         * cgroup went with it. */
        if (r == -ESTALE && held && !container_gone(s->anchor_fd))
                r = 0;
        if (r == -ESTALE) {
                log_notice("not restoring %s = %s in %s (%s): %s", restore_key_to_string(e->key), e->original, e->path,
                           why,
                           held ? "the container is gone (its cgroup was removed)"
                                : restore_stale_reason(e, stale, sizeof(stale)));
                r = 0;
        }
        if (r > 0)
                log_info("restored %s = %s in %s (%s)", restore_key_to_string(e->key), e->original, e->path, why);
        else if (r < 0)
                log_warning("cannot restore %s = %s in %s: %s", restore_key_to_string(e->key), e->original, e->path,
                            strerror(-r));
        if (r >= 0)
                drop(s, i);
        return r;
}

int optin_put_back_at(struct optin_state *s, size_t i, const char *why) {
        int r = put_back_unsaved(s, i, why);
        if (r >= 0)
                (void)save(s, false);
        return r;
}

void optin_put_back_where(struct optin_state *s, bool (*put)(const struct restore_entry *e, const void *ud),
                          const void *ud, const char *why) {
        size_t before = s->n_changes;
        for (size_t i = s->n_changes; i-- > 0;)
                if (put(&s->changes[i], ud))
                        (void)put_back_unsaved(s, i, why);
        if (s->n_changes != before)
                (void)save(s, false);
}

int optin_put_back(struct optin_state *s, enum restore_key key, const char *path, const char *why) {
        ssize_t i = find(s, key, path);
        return i < 0 ? 0 : optin_put_back_at(s, (size_t)i, why);
}

void optin_set_anchor(struct optin_state *s, struct restore_anchor a, int mount_fd, const char *mount) {
        if (s->anchor_fd >= 0)
                close(s->anchor_fd);
        s->anchor = a;
        s->anchor_fd = mount_fd >= 0 ? fcntl(mount_fd, F_DUPFD_CLOEXEC, 3) : -1;
        if (mount_fd >= 0 && s->anchor_fd < 0)
                log_warning("cannot hold the app's cgroup mount (%s): %s; its entries go back through pid %d only",
                            mount, strerror(errno), (int)a.pid);
        snprintf(s->anchor_mount, sizeof(s->anchor_mount), "%s", mount_fd >= 0 ? mount : "");
}

void optin_rehome(struct optin_state *s, struct restore_anchor from, struct restore_anchor to) {
        bool changed = false;
        char old[32];
        int n = snprintf(old, sizeof(old), "/proc/%d/", (int)from.pid);
        for (size_t i = 0; i < s->n_changes; i++) {
                struct restore_entry *e = &s->changes[i];
                char *path;
                if (!made_for(e, from) || strncmp(e->path, old, (size_t)n) != 0)
                        continue;
                if (asprintf(&path, "/proc/%d/%s", (int)to.pid, e->path + n) < 0) {
                        log_warning("out of memory: %s stays listed for pid %d", e->path, (int)from.pid);
                        continue;
                }
                free(e->path);
                e->path = path;
                e->anchor = to;
                changed = true;
        }
        if (changed)
                (void)save(s, false);
}

void optin_put_back_anchor(struct optin_state *s, struct restore_anchor from, int dirfd, const char *mount,
                           const char *why) {
        size_t before = s->n_changes;
        for (size_t i = s->n_changes; i-- > 0;) {
                const struct restore_entry *e = &s->changes[i];
                if (!made_for(e, from))
                        continue;
                int r = apply_through(e, dirfd, mount);
                if (r > 0)
                        log_info("restored %s = %s in %s (%s)", restore_key_to_string(e->key), e->original, e->path,
                                 why);
                else if (r == -ESTALE)
                        log_notice("not restoring %s = %s in %s (%s): the container is gone",
                                   restore_key_to_string(e->key), e->original, e->path, why);
                else if (r < 0)
                        log_warning("cannot restore %s = %s in %s (%s): %s; dropped: its process is gone",
                                    restore_key_to_string(e->key), e->original, e->path, why, strerror(-r));
                drop(s, i);
        }
        if (s->n_changes != before)
                (void)save(s, false);
}
