/* Restart loops without the proc connector: compare the children of
 * supervisors between two /proc passes; a new child is a restart when a
 * child of the same name died by a signal before. Here the cause of a
 * disappearance is unknown (a worker recycled after N requests exits
 * normally), so only oomguard's own kills count as deaths. */
#include <string.h>

#include "sources/procs.h"
#include "supervise_internal.h"

struct scan_child {
        pid_t parent, pid;
        uint64_t pstart, start;
        char comm[RESTART_COMM];
};

struct scan_state {
        struct scan_child prev[SCAN_CHILDREN], cur[SCAN_CHILDREN];
        size_t n_prev, n_cur;
        bool primed;
};

static bool supervised_parent(const struct supervise_ctx *c, pid_t ppid, uint64_t *ret_pstart) {
        struct proc_stat pst;
        const struct supervisor_rule *r = supervisor_rule_match(&c->query, ppid, &pst);
        if (!r || !r->max_restarts)
                return false;
        *ret_pstart = pst.starttime;
        return true;
}

struct pass {
        struct scan_state *s;
        const struct supervise_ctx *c;
};

static int note_child(pid_t pid, void *ud) {
        const struct pass *pass = ud;
        struct scan_state *s = pass->s;
        struct proc_stat st;
        uint64_t pstart;
        if (s->n_cur >= SCAN_CHILDREN || read_proc_stat(pass->c->query.root, pid, &st) < 0 || st.ppid <= 1 ||
            st.state == 'Z')
                return 0;
        /* Children of the same parent are usually listed together. */
        const struct scan_child *last = s->n_cur ? &s->cur[s->n_cur - 1] : NULL;
        if (last && last->parent == st.ppid)
                pstart = last->pstart;
        else if (!supervised_parent(pass->c, st.ppid, &pstart))
                return 0;
        struct scan_child *c = &s->cur[s->n_cur++];
        *c = (struct scan_child){ .parent = st.ppid, .pid = pid, .pstart = pstart, .start = st.starttime };
        memcpy(c->comm, st.comm, sizeof(c->comm) - 1);
        return 0;
}

static bool listed(const struct scan_child *list, size_t n, const struct scan_child *c) {
        for (size_t i = 0; i < n; i++)
                if (list[i].pid == c->pid && list[i].start == c->start)
                        return true;
        return false;
}

void supervise_scan_restarts(struct supervise_state *state, const struct supervise_ctx *c, uint64_t now,
                             supervise_start_fn on_start) {
        struct scan_state *s = state->scan;
        if (!s)
                return;
        s->n_cur = 0;
        struct pass pass = { s, c };
        procs_all(c->query.root, note_child, &pass);
        for (size_t i = 0; s->primed && i < s->n_cur; i++)
                if (!listed(s->prev, s->n_prev, &s->cur[i]))
                        on_start(state, c, s->cur[i].parent, s->cur[i].pstart, s->cur[i].comm, now);
        memcpy(s->prev, s->cur, s->n_cur * sizeof(s->cur[0]));
        s->n_prev = s->n_cur;
        s->primed = true;
}

int supervise_scan_init(struct supervise_state *s) {
        s->scan = calloc(1, sizeof(struct scan_state));
        return s->scan ? 0 : -ENOMEM;
}
