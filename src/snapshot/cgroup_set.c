/* Watched cgroups: discovery (allocates, off the hot path). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "outputs/log.h"
#include "policy/cgroup_match.h"
#include "snapshot/cgroup_set.h"
#include "util.h"

/* The walk meets the cgroups in the order it met them last time: start
 * after the previous find, and 1,000 cgroups take 1,000 compares, not
 * 500,000 (~10 ms every rescan). */
static struct watched_cgroup *find(struct cgroup_set *set, const char *path, size_t *hint) {
        for (size_t k = 0; k < set->n; k++) {
                size_t i = (*hint + k) % set->n;
                if (strcmp(set->items[i].path, path) == 0) {
                        *hint = i + 1;
                        return &set->items[i];
                }
        }
        return NULL;
}

/* Room for one more item and its view. */
static int grow(struct cgroup_set *set) {
        int r = GROW(set->items, set->cap, set->n + 1);
        return r < 0 ? r : GROW(set->views, set->cap_views, set->n + 1);
}

struct rescan_ctx {
        struct cgroup_set *set;
        const char *root;
        const struct cgroup_mounts *m;
        const struct policy *p;
        size_t hint; /* where find() looks first */
};

static int add_watched(struct rescan_ctx *c, const char *rel, int rule) {
        char dir[PATH_MAX], psi[PATH_MAX];
        struct memcg_files files;
        if (path_join(dir, sizeof(dir), c->m->memory_mount, rel) < 0)
                return 0;
        const char *psi_at = cgroup_psi_dir(c->m, rel, psi, sizeof(psi));
        int r = memcg_open(c->m->memory_version, dir, psi_at, &files);
        if (r < 0)
                return errno_is_vanished(r) ? 0 : log_error_errno(r, "cannot open cgroup %s: %m", rel);
        r = grow(c->set);
        char *path = strdup(rel);
        char *psi_dir = psi_at ? strdup(psi_at) : NULL;
        if (r < 0 || !path || (psi_at && !psi_dir)) {
                memcg_close(&files);
                free(path);
                free(psi_dir);
                return -ENOMEM;
        }
        struct stat st;
        c->set->generation++;
        c->set->items[c->set->n++] = (struct watched_cgroup){ .path = path,
                                                              .rule_index = rule,
                                                              .files = files,
                                                              .seen = true,
                                                              .level_fd = -1,
                                                              .psi_fd = -1,
                                                              .psi_dir = psi_dir,
                                                              .oom_fd = -1,
                                                              .pressure_fd = -1,
                                                              .ino = stat(dir, &st) == 0 ? st.st_ino : 0 };
        trend_init(&c->set->items[c->set->n - 1].trend, c->p->cgroups[rule].leak.window_ns);
        log_debug("watching cgroup %s (rule %s)", rel, c->p->cgroups[rule].name);
        return 0;
}

static bool same_directory(const struct rescan_ctx *c, const struct watched_cgroup *w) {
        char dir[PATH_MAX];
        struct stat st;
        return path_join(dir, sizeof(dir), c->m->memory_mount, w->path) == 0 && stat(dir, &st) == 0 &&
               st.st_ino == w->ino;
}

/* The PSI twin as the mounts name it now. --sidecar=PROGRAM's mounts
 * are paths through the anchor's /proc/PID/root: a new anchor in the same
 * container keeps each cgroup (the same directory) under another path,
 * and a trigger armed again (after a reload) from the old one would go
 * through a pid that is gone, or another process's now. Only a kept path
 * that differs is looked up (one stat); when the twin is not there under
 * the new name, the old name is dropped too (v1 then arms vmpressure). */
static void refresh_psi_dir(const struct rescan_ctx *c, struct watched_cgroup *w) {
        char psi[PATH_MAX];
        if (!w->psi_dir)
                return;
        bool same_name = c->m->unified_mount[0] && path_join(psi, sizeof(psi), c->m->unified_mount, w->path) == 0 &&
                         strcmp(psi, w->psi_dir) == 0;
        if (same_name)
                return; /* every guard but a followed app's: no stat */
        const char *now = cgroup_psi_dir(c->m, w->path, psi, sizeof(psi));
        free(w->psi_dir);
        w->psi_dir = now ? strdup(now) : NULL; /* out of memory: none, rather than a stale one */
}

static int visit(const char *rel, void *userdata) {
        struct rescan_ctx *c = userdata;
        int rule = policy_match_cgroup(c->p, rel);
        if (rule < 0)
                return 0;
        struct watched_cgroup *w = find(c->set, rel, &c->hint);
        if (w && !w->vanished && same_directory(c, w)) {
                w->seen = true;
                refresh_psi_dir(c, w);
                w->rule_index = rule;
                trend_set_window(&w->trend, c->p->cgroups[rule].leak.window_ns); /* a reload may change it */
                return 0;
        }
        /* New, or removed and created again under the same name (a
         * restarted service): the old fds point at a dead directory. */
        if (w)
                w->seen = false;
        return add_watched(c, rel, rule);
}

void watched_cgroup_disarm(struct watched_cgroup *w) {
        if (w->level_fd >= 0)
                close(w->level_fd);
        if (w->psi_fd >= 0)
                close(w->psi_fd);
        if (w->oom_fd >= 0)
                close(w->oom_fd);
        if (w->pressure_fd >= 0)
                close(w->pressure_fd);
        /* -1: arm again at the next tick */
        w->level_fd = w->psi_fd = w->oom_fd = w->pressure_fd = -1;
        w->armed_level = w->armed_limit = w->level_armed_for = 0;
}

static void watched_cgroup_release(struct watched_cgroup *w) {
        watched_cgroup_disarm(w);
        memcg_close(&w->files);
        free(w->path);
        free(w->psi_dir);
}

static void drop_unseen(struct cgroup_set *set) {
        size_t j = 0;
        for (size_t i = 0; i < set->n; i++) {
                struct watched_cgroup *w = &set->items[i];
                if (w->seen) {
                        set->items[j++] = *w;
                        continue;
                }
                log_debug("cgroup %s is gone", w->path);
                watched_cgroup_release(w);
        }
        if (j != set->n)
                set->generation++;
        set->n = j;
}

int cgroup_set_rescan(struct cgroup_set *set, const char *root, const struct cgroup_mounts *m, const struct policy *p) {
        for (size_t i = 0; i < set->n; i++)
                set->items[i].seen = false;
        set->vanished = false;
        struct rescan_ctx c = { .set = set, .root = root, .m = m, .p = p };
        int r = 0;
        /* Walk only below each glob's literal prefix, only as deep as it
         * reaches: a host's whole hierarchy can hold thousands of cgroups. */
        for (size_t i = 0; i < p->n_cgroups && r >= 0; i++) {
                char base[PATH_MAX];
                int depth;
                glob_walk_base(p->cgroups[i].path_glob, base, sizeof(base), &depth);
                r = cgroup_tree_walk(root, m, base, depth, visit, &c);
        }
        drop_unseen(set);
        return r;
}

void cgroup_set_free(struct cgroup_set *set) {
        for (size_t i = 0; i < set->n; i++)
                watched_cgroup_release(&set->items[i]);
        free(set->items);
        free(set->views);
        *set = (struct cgroup_set){ 0 };
}
