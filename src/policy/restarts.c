/* Restart-loop bookkeeping (see restarts.h). No allocation. */
#include <string.h>

#include "policy/restarts.h"

struct restart_parent *restarts_find(struct restart_tracker *t, pid_t parent, uint64_t parent_start) {
        for (size_t i = 0; i < RESTART_PARENTS; i++)
                if (t->parents[i].pid == parent && t->parents[i].parent_start == parent_start)
                        return &t->parents[i];
        return NULL;
}

/* The parent's slot, or a recycled one (the least recently seen). */
static struct restart_parent *slot(struct restart_tracker *t, pid_t parent, uint64_t parent_start, uint64_t now) {
        struct restart_parent *p = restarts_find(t, parent, parent_start);
        if (!p) {
                p = &t->parents[0];
                for (size_t i = 1; i < RESTART_PARENTS; i++)
                        if (t->parents[i].last_seen_ns < p->last_seen_ns)
                                p = &t->parents[i];
                *p = (struct restart_parent){ .pid = parent, .parent_start = parent_start };
        }
        p->last_seen_ns = now;
        return p;
}

void restarts_on_death(struct restart_tracker *t, pid_t parent, uint64_t parent_start, const char *comm,
                       uint64_t now_ns) {
        struct restart_parent *p = slot(t, parent, parent_start, now_ns);
        /* The same death is often reported twice: by oomguard's own kill
         * (with the name) and by the exit event after the parent reaped
         * the child (name unreadable): keep the name. */
        if (!comm[0] && p->died_ns && p->died_comm[0]) {
                p->died_ns = now_ns;
                return;
        }
        strncpy(p->died_comm, comm, sizeof(p->died_comm) - 1);
        p->died_comm[sizeof(p->died_comm) - 1] = '\0';
        p->died_ns = now_ns;
}

unsigned restarts_in_window(const struct restart_parent *p, uint64_t window_ns, uint64_t now_ns) {
        unsigned n = 0;
        unsigned kept = p->n_restarts < RESTART_HISTORY ? p->n_restarts : RESTART_HISTORY;
        for (unsigned i = 0; i < kept; i++)
                if (now_ns - p->restarts_ns[i] <= window_ns)
                        n++;
        return n;
}

unsigned restarts_on_start(struct restart_tracker *t, pid_t parent, uint64_t parent_start, const char *comm,
                           uint64_t window_ns, uint64_t now_ns) {
        struct restart_parent *p = restarts_find(t, parent, parent_start);
        if (!p || !p->died_ns || now_ns - p->died_ns > window_ns)
                return 0;
        /* A different program is not a restart of the dead one; an empty
         * name means the child was reaped before its name could be read. */
        if (p->died_comm[0] && strncmp(p->died_comm, comm, sizeof(p->died_comm) - 1) != 0)
                return 0;
        p->died_ns = 0; /* one death, one restart */
        p->restarts_ns[p->n_restarts % RESTART_HISTORY] = now_ns;
        p->n_restarts++;
        p->last_seen_ns = now_ns;
        return restarts_in_window(p, window_ns, now_ns);
}
