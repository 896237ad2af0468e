/* Watched cgroups: the per-tick read (hot path: pread only).
 *
 * Reading every file of every cgroup at every tick costs ~7 preads per
 * cgroup (35 % of a core for 1,000 cgroups at 100 ms). A cgroup far below
 * the level its rule cares about is "cold": a v1 cgroup with an armed
 * usage eventfd is not read at all between full reads (the kernel wakes us
 * at the crossing), any other cold cgroup is probed with one pread of its
 * usage, and every cgroup gets a full read at least every cold_ns (rates). */
#include "snapshot/cgroup_set.h"
#include "sources/kv.h"
#include "util.h"

static void full_read(struct cgroup_set *set, size_t i, uint64_t now, char *scratch, size_t size) {
        struct watched_cgroup *w = &set->items[i];
        struct cgroup_view *v = &set->views[i];
        *v = (struct cgroup_view){ .path = w->path, .rule_index = w->rule_index };
        if (memcg_read(&w->files, scratch, size, &v->stats) < 0) {
                /* Removed: its kernfs fds would poll as ready for ever;
                 * close them now, rescan at the next tick. */
                w->vanished = set->vanished = true;
                watched_cgroup_disarm(w);
                return;
        }
        v->valid = true;
        cgroup_derive(w->has_prev ? &w->prev : NULL, w->prev_ns, &v->stats, now, &v->d);
        w->prev = v->stats;
        w->prev_ns = now;
        w->has_prev = true;
        w->cold = w->armed_level && v->stats.usage < w->armed_level / 2;
}

/* A cold cgroup that may stay as it was this tick. */
static bool may_skip(const struct watched_cgroup *w, char *scratch, size_t size) {
        if (w->level_fd >= 0)
                return true; /* the kernel signals the crossing */
        uint64_t usage;
        ssize_t n = w->files.fd[MEMCG_USAGE] >= 0 ? pread_all(w->files.fd[MEMCG_USAGE], scratch, size) : -EBADF;
        return n >= 0 && parse_u64_or_max(scratch, (size_t)n, &usage) == 0 && usage < w->armed_level / 2;
}

void cgroup_set_read(struct cgroup_set *set, uint64_t now, uint64_t cold_ns, int woken, char *scratch, size_t size) {
        for (size_t i = 0; i < set->n; i++) {
                struct watched_cgroup *w = &set->items[i];
                if (w->vanished) {
                        set->views[i].valid = false;
                        continue;
                }
                bool due = !w->has_prev || !w->cold || (int)i == woken || now - w->prev_ns >= cold_ns;
                if (due || !may_skip(w, scratch, size))
                        full_read(set, i, now, scratch, size);
        }
}
