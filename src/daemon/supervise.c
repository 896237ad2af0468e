/* Restart loops and zombie factories at run time (see supervise.h). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "actions/family.h"
#include "actions/procs.h"
#include "daemon/guard.h"
#include "daemon/supervise.h"
#include "daemon/supervise_act.h"
#include "outputs/log.h"

#define DEFAULT_WINDOW_NS (60 * NSEC_PER_SEC)

int supervise_init(struct guard *g) {
        g->restarts = calloc(1, sizeof(*g->restarts));
        if (!g->restarts || supervise_scan_init(g) < 0) {
                supervise_free(g);
                return -ENOMEM;
        }
        return 0;
}

void supervise_free(struct guard *g) {
        free(g->restarts);
        free(g->scan);
        g->restarts = NULL;
        g->scan = NULL;
}

bool supervise_wants_events(const struct guard *g) {
        return g->policy.n_supervisors > 0;
}

static bool wants_zombies(const struct guard *g) {
        for (size_t i = 0; i < g->policy.n_supervisors; i++)
                if (g->policy.supervisors[i].zombies_above)
                        return true;
        return false;
}

struct supervisor_query supervise_query(const struct guard *g) {
        return (struct supervisor_query){
                .root = g->root, .rules = g->policy.supervisors, .n_rules = g->policy.n_supervisors,
                .cgroup_controller = g->has_mounts && g->mounts.memory_version == CGROUP_V1 ? "memory" : NULL,
        };
}

bool supervise_restarted(pid_t pid, uint64_t start, void *guard) {
        struct guard *g = guard;
        struct restart_parent *p = g->restarts ? restarts_find(g->restarts, pid, start) : NULL;
        return p && p->n_restarts > 0;
}

static bool pending_deaths(const struct guard *g) {
        for (size_t i = 0; i < RESTART_PARENTS; i++)
                if (g->restarts->parents[i].died_ns)
                        return true;
        return false;
}

static void add_suspect(struct guard *g, pid_t parent) {
        for (size_t i = 0; i < g->n_suspects; i++)
                if (g->zombie_suspects[i] == parent)
                        return;
        if (g->n_suspects < ZOMBIE_SUSPECTS)
                g->zombie_suspects[g->n_suspects++] = parent;
}

static bool died_by_signal(int wait_status) {
        int sig = wait_status & 0x7f;
        return sig != 0 && sig != 0x7f;
}

/* The parent's identity (pid + start time) for a process: 0 on success. */
static int parent_of(const struct guard *g, pid_t pid, struct proc_stat *st, uint64_t *ret_pstart) {
        struct proc_stat pst;
        if (read_proc_stat(g->root, pid, st) < 0 || st->ppid <= 1 || read_proc_stat(g->root, st->ppid, &pst) < 0)
                return -ESRCH;
        *ret_pstart = pst.starttime;
        return 0;
}

static void on_exit_event(struct guard *g, const struct pc_event *ev) {
        bool zombies = wants_zombies(g), signalled = died_by_signal(ev->exit_code);
        struct proc_stat st, pst;
        if ((!zombies && !signalled) || ev->parent_tgid <= 1 || read_proc_stat(g->root, ev->parent_tgid, &pst) < 0)
                return; /* a normal exit is nothing to a restart tracker */
        /* The name, if the parent has not reaped it yet; else any name. */
        const char *comm = read_proc_stat(g->root, ev->pid, &st) == 0 ? st.comm : "";
        if (signalled)
                restarts_on_death(g->restarts, ev->parent_tgid, pst.starttime, comm, ev->timestamp_ns);
        if (zombies)
                add_suspect(g, ev->parent_tgid);
}

void supervise_on_kill(const struct victim *v, void *guard) {
        struct guard *g = guard;
        struct proc_stat pst;
        if (!g->restarts || v->ppid <= 1 || read_proc_stat(g->root, v->ppid, &pst) < 0)
                return;
        restarts_on_death(g->restarts, v->ppid, pst.starttime, v->comm, now_ns());
}

static int restart_loop(struct guard *g, const struct supervisor_rule *r, const struct proc_stat *pst,
                        const char *child, unsigned count) {
        struct sup_target t = { .pid = pst->pid, .start = pst->starttime };
        char what[160], outcome[200];
        memcpy(t.comm, pst->comm, sizeof(t.comm));
        snprintf(what, sizeof(what), "restarted a killed \"%s\" %u times within %.0fs (max_restarts %u)",
                 child, count, (double)r->window_ns / (double)NSEC_PER_SEC, r->max_restarts);
        int ret = supervise_act(g, r->restart_action, &t, outcome, sizeof(outcome));
        supervise_log(0, r, &t, what, outcome);
        return ret;
}

/* parent started a child named comm: a restart when one of its children
 * died by a signal lately; too many restarts call for the rule's action. */
static void on_child_start(struct guard *g, pid_t parent, uint64_t pstart, const char *comm, uint64_t now) {
        struct restart_parent *p = restarts_find(g->restarts, parent, pstart);
        if (!p || !p->died_ns)
                return;
        const struct supervisor_query q = supervise_query(g);
        struct proc_stat pst;
        const struct supervisor_rule *r = supervisor_rule_match(&q, parent, &pst);
        uint64_t window = r && r->max_restarts ? r->window_ns : DEFAULT_WINDOW_NS;
        unsigned n = restarts_on_start(g->restarts, parent, pstart, comm, window, now);
        if (!r || !r->max_restarts || n <= r->max_restarts || p->acted || pst.starttime != pstart)
                return;
        /* Deferred by the kill cap: the next restart asks again. */
        p->acted = restart_loop(g, r, &pst, comm, n) != -EAGAIN;
}

static void on_exec_event(struct guard *g, const struct pc_event *ev) {
        if (!pending_deaths(g))
                return; /* the common case: costs nothing */
        struct proc_stat st;
        uint64_t pstart;
        if (parent_of(g, ev->pid, &st, &pstart) == 0)
                on_child_start(g, st.ppid, pstart, st.comm, ev->timestamp_ns);
}

void supervise_scan(struct guard *g, uint64_t now) {
        if (g->restarts && supervise_wants_events(g) && g->pc_fd < 0)
                supervise_scan_restarts(g, now, on_child_start);
}

/* Pre-fork servers (nginx, php-fpm, apache, postgres) replace a worker
 * by fork alone: the child keeps the parent's name, as the dead one had. */
static void on_fork_event(struct guard *g, const struct pc_event *ev) {
        if (!pending_deaths(g) || ev->parent_tgid <= 1)
                return;
        struct proc_stat st, pst;
        if (read_proc_stat(g->root, ev->pid, &st) == 0 && read_proc_stat(g->root, ev->parent_tgid, &pst) == 0)
                on_child_start(g, ev->parent_tgid, pst.starttime, st.comm, ev->timestamp_ns);
}

void supervise_on_event(struct guard *g, const struct pc_event *ev) {
        if (!g->restarts || !supervise_wants_events(g) || ev->pid != ev->tgid)
                return; /* threads are not processes */
        if (ev->kind == PC_EXIT)
                on_exit_event(g, ev);
        else if (ev->kind == PC_FORK)
                on_fork_event(g, ev);
        else if (ev->kind == PC_EXEC)
                on_exec_event(g, ev);
}
