/* Restart loops at run time (see policy/supervise.h); the zombie watch is
 * in supervise_zombies.c, the /proc-pass fallback in supervise_scan.c. */
#include <stdio.h>
#include <string.h>

#include "policy/supervise.h"
#include "supervise_internal.h"

#define DEFAULT_WINDOW_NS (60 * NSEC_PER_SEC)

int supervise_init(struct supervise_state *s) {
        *s = (struct supervise_state){ 0 };
        s->restarts = calloc(1, sizeof(*s->restarts));
        if (!s->restarts || supervise_scan_init(s) < 0) {
                supervise_free(s);
                return -ENOMEM;
        }
        return 0;
}

void supervise_free(struct supervise_state *s) {
        free(s->restarts);
        free(s->scan);
        s->restarts = NULL;
        s->scan = NULL;
}

bool supervise_wants_events(const struct supervise_ctx *c) { return c->query.n_rules > 0; }

static bool wants_zombies(const struct supervise_ctx *c) {
        for (size_t i = 0; i < c->query.n_rules; i++)
                if (c->query.rules[i].zombies_above)
                        return true;
        return false;
}

bool supervise_restarted(const struct supervise_state *s, pid_t pid, uint64_t start) {
        const struct restart_parent *p = s->restarts ? restarts_find(s->restarts, pid, start) : NULL;
        return p && p->n_restarts > 0;
}

static bool pending_deaths(const struct supervise_state *s) {
        for (size_t i = 0; i < RESTART_PARENTS; i++)
                if (s->restarts->parents[i].died_ns)
                        return true;
        return false;
}

/* A parent whose children exited lately: the zombie check looks at it. */
void supervise_add_suspect(struct supervise_state *s, pid_t parent) {
        for (size_t i = 0; i < s->n_suspects; i++)
                if (s->zombie_suspects[i] == parent)
                        return;
        if (s->n_suspects < ZOMBIE_SUSPECTS)
                s->zombie_suspects[s->n_suspects++] = parent;
}

static bool died_by_signal(int wait_status) {
        int sig = wait_status & 0x7f;
        return sig != 0 && sig != 0x7f;
}

/* The parent's identity (pid + start time) for a process: 0 on success. */
static int parent_of(const char *root, pid_t pid, struct proc_stat *st, uint64_t *ret_pstart) {
        struct proc_stat pst;
        if (read_proc_stat(root, pid, st) < 0 || st->ppid <= 1 || read_proc_stat(root, st->ppid, &pst) < 0)
                return -ESRCH;
        *ret_pstart = pst.starttime;
        return 0;
}

static void on_exit_event(struct supervise_state *s, const struct supervise_ctx *c, const struct pc_event *ev) {
        bool zombies = wants_zombies(c), signalled = died_by_signal(ev->exit_code);
        struct proc_stat st, pst;
        if ((!zombies && !signalled) || ev->parent_tgid <= 1 ||
            read_proc_stat(c->query.root, ev->parent_tgid, &pst) < 0)
                return; /* a normal exit is nothing to a restart tracker */
        /* The name, if the parent has not reaped it yet; else any name. */
        const char *comm = read_proc_stat(c->query.root, ev->pid, &st) == 0 ? st.comm : "";
        if (signalled)
                restarts_on_death(s->restarts, ev->parent_tgid, pst.starttime, comm, ev->timestamp_ns);
        if (zombies)
                supervise_add_suspect(s, ev->parent_tgid);
}

void supervise_on_kill(struct supervise_state *s, const char *root, pid_t ppid, const char *comm, uint64_t now) {
        struct proc_stat pst;
        if (!s->restarts || ppid <= 1 || read_proc_stat(root, ppid, &pst) < 0)
                return;
        restarts_on_death(s->restarts, ppid, pst.starttime, comm, now);
}

static int restart_loop(const struct supervise_ctx *c, const struct supervisor_rule *r, const struct proc_stat *pst,
                        const char *child, unsigned count) {
        struct supervisor_finding f = { .kind = FINDING_RESTART_LOOP,
                                        .rule = r,
                                        .target = { .pid = pst->pid, .start = pst->starttime } };
        memcpy(f.target.comm, pst->comm, sizeof(f.target.comm));
        snprintf(f.what, sizeof(f.what), "restarted a killed \"%s\" %u times within %.0fs (max_restarts %u)", child,
                 count, (double)r->window_ns / (double)NSEC_PER_SEC, r->max_restarts);
        return c->act(c->act_ud, &f);
}

/* parent started a child named comm: a restart when one of its children
 * died by a signal lately; too many restarts call for the rule's action. */
static void on_child_start(struct supervise_state *s, const struct supervise_ctx *c, pid_t parent, uint64_t pstart,
                           const char *comm, uint64_t now) {
        struct restart_parent *p = restarts_find(s->restarts, parent, pstart);
        if (!p || !p->died_ns)
                return;
        struct proc_stat pst;
        const struct supervisor_rule *r = supervisor_rule_match(&c->query, parent, &pst);
        uint64_t window = r && r->max_restarts ? r->window_ns : DEFAULT_WINDOW_NS;
        unsigned n = restarts_on_start(s->restarts, parent, pstart, comm, window, now);
        if (!r || !r->max_restarts || n <= r->max_restarts || p->acted || pst.starttime != pstart)
                return;
        /* Deferred by the kill cap: the next restart asks again. */
        p->acted = restart_loop(c, r, &pst, comm, n) != -EAGAIN;
}

static void on_exec_event(struct supervise_state *s, const struct supervise_ctx *c, const struct pc_event *ev) {
        if (!pending_deaths(s))
                return; /* the common case: costs nothing */
        struct proc_stat st;
        uint64_t pstart;
        if (parent_of(c->query.root, ev->pid, &st, &pstart) == 0)
                on_child_start(s, c, st.ppid, pstart, st.comm, ev->timestamp_ns);
}

void supervise_scan(struct supervise_state *s, const struct supervise_ctx *c, uint64_t now) {
        if (s->restarts && supervise_wants_events(c) && !c->connector)
                supervise_scan_restarts(s, c, now, on_child_start);
}

/* Pre-fork servers (nginx, php-fpm, apache, postgres) replace a worker
 * by fork alone: the child keeps the parent's name, as the dead one had. */
static void on_fork_event(struct supervise_state *s, const struct supervise_ctx *c, const struct pc_event *ev) {
        if (!pending_deaths(s) || ev->parent_tgid <= 1)
                return;
        struct proc_stat st, pst;
        if (read_proc_stat(c->query.root, ev->pid, &st) == 0 &&
            read_proc_stat(c->query.root, ev->parent_tgid, &pst) == 0)
                on_child_start(s, c, ev->parent_tgid, pst.starttime, st.comm, ev->timestamp_ns);
}

void supervise_on_event(struct supervise_state *s, const struct supervise_ctx *c, const struct pc_event *ev) {
        if (!s->restarts || !supervise_wants_events(c) || ev->pid != ev->tgid)
                return; /* threads are not processes */
        if (ev->kind == PC_EXIT)
                on_exit_event(s, c, ev);
        else if (ev->kind == PC_FORK)
                on_fork_event(s, c, ev);
        else if (ev->kind == PC_EXEC)
                on_exec_event(s, c, ev);
}
