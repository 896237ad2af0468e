/* Watched cgroups: the per-tick read (hot path: pread only). */
#include "snapshot/cgroup_set.h"

void cgroup_set_read(struct cgroup_set *set, uint64_t now, char *scratch, size_t size) {
        for (size_t i = 0; i < set->n; i++) {
                struct watched_cgroup *w = &set->items[i];
                struct cgroup_view *v = &set->views[i];
                *v = (struct cgroup_view){ .path = w->path, .rule_index = w->rule_index };
                if (w->vanished)
                        continue;
                if (memcg_read(&w->files, scratch, size, &v->stats) < 0) {
                        /* Removed: its kernfs fds would poll as ready for
                         * ever; close them now, rescan at the next tick. */
                        w->vanished = set->vanished = true;
                        watched_cgroup_disarm(w);
                        continue;
                }
                v->valid = true;
                cgroup_derive(w->has_prev ? &w->prev : NULL, w->prev_ns, &v->stats, now, &v->d);
                w->prev = v->stats;
                w->prev_ns = now;
                w->has_prev = true;
        }
}
