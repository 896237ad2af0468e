/* One walk of a report's scope, after the action: the biggest processes
 * by RSS, the task counts when the kill path had none, and the victim's
 * tree (ancestors, the victim, what it left). One read of /proc/PID/stat
 * a process; what the tree needs of each (pid, parent, process group) is
 * kept in the caller's table, so nothing is allocated: a scope with more
 * processes than the table holds gets a tree from those it holds. */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report_internal.h"
#include "sources/procs.h"
#include "util.h"

#define ANCESTORS_MAX (REPORT_TREE_MAX / 2)

struct ids {
        pid_t pid, ppid, pgrp;
};

struct walk {
        const char *root;
        struct report *r;
        struct ids *ids;
        size_t n_ids, cap_ids;
        struct task_counts counts;
        uint64_t page_size;
};

static struct report_proc proc_of(const struct proc_stat *st, uint64_t page_size, enum report_relation rel) {
        struct report_proc p = {
                .pid = st->pid,
                .ppid = st->ppid,
                .relation = rel,
                .state = st->state,
                .rss_bytes = st->rss_pages * page_size,
                .oom_score = REPORT_UNKNOWN,
                .oom_score_adj = REPORT_UNKNOWN,
        };
        snprintf(p.comm, sizeof(p.comm), "%s", st->comm);
        return p;
}

/* Keeps r->top sorted by RSS, biggest first; a tie keeps the first seen. */
static void top_insert(struct report *r, const struct proc_stat *st, uint64_t page_size) {
        uint64_t rss = st->rss_pages * page_size;
        size_t n = r->n_top;
        if (n == REPORT_TOP_MAX && rss <= r->top[n - 1].rss_bytes)
                return;
        size_t i = n < REPORT_TOP_MAX ? n : n - 1;
        for (; i > 0 && r->top[i - 1].rss_bytes < rss; i--)
                r->top[i] = r->top[i - 1];
        r->top[i] = proc_of(st, page_size, REPORT_REL_NONE);
        if (n < REPORT_TOP_MAX)
                r->n_top++;
}

static int visit(pid_t pid, void *ud) {
        struct walk *w = ud;
        struct proc_stat st;
        if (read_proc_stat(w->root, pid, &st) < 0 || (st.flags & PF_KTHREAD))
                return 0; /* gone meanwhile; kernel threads are nobody's memory */
        w->r->scope_processes++;
        task_counts_add(&w->counts, &st);
        top_insert(w->r, &st, w->page_size);
        if (w->n_ids < w->cap_ids)
                w->ids[w->n_ids++] = (struct ids){ .pid = st.pid, .ppid = st.ppid, .pgrp = st.pgrp };
        else
                w->r->tree_cut = true;
        return 0;
}

static void top_scores(struct report *r, const char *root) {
        for (size_t i = 0; i < r->n_top; i++) {
                if (read_proc_oom_score(root, r->top[i].pid, &r->top[i].oom_score) < 0)
                        r->top[i].oom_score = REPORT_UNKNOWN;
                if (read_proc_oom_score_adj(root, r->top[i].pid, &r->top[i].oom_score_adj) < 0)
                        r->top[i].oom_score_adj = REPORT_UNKNOWN;
        }
}

static void tree_add(struct report *r, struct report_proc p) {
        if (r->n_tree < REPORT_TREE_MAX)
                r->tree[r->n_tree++] = p;
}

/* From the victim's parent up to PID 1 (or the first that is gone),
 * added root first. */
static void add_ancestors(struct walk *w, pid_t ppid) {
        struct report_proc up[ANCESTORS_MAX];
        size_t n = 0;
        struct proc_stat st;
        for (pid_t pid = ppid; pid > 0 && n < ANCESTORS_MAX; pid = st.ppid) {
                if (read_proc_stat(w->root, pid, &st) < 0)
                        break;
                up[n++] = proc_of(&st, w->page_size, REPORT_REL_ANCESTOR);
                if (pid == 1)
                        break;
        }
        while (n > 0)
                tree_add(w->r, up[--n]);
}

/* Preorder: each child right after its parent (the printer indents by
 * the parent links). Bounded by the tree's size. */
static void add_descendants(struct walk *w, pid_t parent) {
        for (size_t i = 0; i < w->n_ids && w->r->n_tree < REPORT_TREE_MAX; i++) {
                struct proc_stat st;
                if (w->ids[i].ppid != parent || w->ids[i].pid == parent ||
                    read_proc_stat(w->root, w->ids[i].pid, &st) < 0 || st.ppid != parent)
                        continue;
                tree_add(w->r, proc_of(&st, w->page_size, REPORT_REL_DESCENDANT));
                add_descendants(w, st.pid);
        }
}

/* Its children went to a reaper with it: its process group (a shell
 * job, a daemon's workers) is what is left of what it started. */
static void add_group(struct walk *w, pid_t leader) {
        for (size_t i = 0; i < w->n_ids && w->r->n_tree < REPORT_TREE_MAX; i++) {
                struct proc_stat st;
                if (w->ids[i].pgrp == leader && w->ids[i].pid != leader &&
                    read_proc_stat(w->root, w->ids[i].pid, &st) == 0 && st.pgrp == leader)
                        tree_add(w->r, proc_of(&st, w->page_size, REPORT_REL_GROUP));
        }
}

/* CLOCK_REALTIME of a start time in clock ticks since boot. */
static uint64_t start_time_realtime(uint64_t ticks) {
        struct timespec rt, bt;
        long hz = sysconf(_SC_CLK_TCK);
        if (ticks == 0 || hz <= 0 || clock_gettime(CLOCK_REALTIME, &rt) < 0 || clock_gettime(CLOCK_BOOTTIME, &bt) < 0)
                return 0;
        int64_t boot = ((int64_t)rt.tv_sec - bt.tv_sec) * (int64_t)NSEC_PER_SEC + (rt.tv_nsec - bt.tv_nsec);
        return (uint64_t)(boot + (int64_t)(ticks * NSEC_PER_SEC / (uint64_t)hz));
}

/* The victim as the kill path saw it, in the state it is in now. */
static void add_victim(struct walk *w) {
        struct report_victim *v = &w->r->victim;
        struct proc_stat st;
        bool alive = read_proc_stat(w->root, v->pid, &st) == 0 &&
                     (!v->start_time_ticks || st.starttime == v->start_time_ticks);
        v->gone = !alive;
        if (!v->start_time_ns)
                v->start_time_ns = start_time_realtime(v->start_time_ticks);
        struct report_proc p = alive ? proc_of(&st, w->page_size, REPORT_REL_VICTIM)
                                     : (struct report_proc){ .pid = v->pid,
                                                             .ppid = v->ppid,
                                                             .relation = REPORT_REL_VICTIM,
                                                             .state = 'X',
                                                             .rss_bytes = v->rss_bytes };
        p.oom_score = v->oom_score;
        p.oom_score_adj = v->oom_score_adj;
        if (!alive)
                snprintf(p.comm, sizeof(p.comm), "%s", v->comm);
        add_ancestors(w, v->ppid ? v->ppid : alive ? st.ppid : 0);
        tree_add(w->r, p);
        if (alive)
                add_descendants(w, v->pid);
        else
                add_group(w, v->pid);
}

int report_walk_scope(struct report *r, const struct report_gather_args *a, void *table, size_t size) {
        uintptr_t t = ((uintptr_t)table + 3) & ~(uintptr_t)3;
        size_t skip = t - (uintptr_t)table;
        long ps = sysconf(_SC_PAGESIZE);
        struct walk w = {
                .root = a->root,
                .r = r,
                .ids = (struct ids *)t,
                .cap_ids = size > skip ? (size - skip) / sizeof(struct ids) : 0,
                .page_size = ps > 0 ? (uint64_t)ps : 4096,
        };
        r->n_top = r->n_tree = 0;
        r->scope_processes = 0;
        r->tree_cut = false;
        int ret = a->cgroup_dir ? procs_in_cgroup(a->cgroup_dir, visit, &w) : procs_all(a->root, visit, &w);
        if (!r->has_tasks && ret >= 0) {
                r->tasks = w.counts;
                r->has_tasks = r->tasks_after = true;
        }
        top_scores(r, a->root);
        if (r->victim.has && r->victim.pid > 0)
                add_victim(&w);
        return ret < 0 ? ret : 0;
}
