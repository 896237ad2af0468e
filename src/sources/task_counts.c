/* D-state, zombie and thread counts of a cgroup. */
#include <limits.h>

#include "sources/procs.h"
#include "sources/task_counts.h"
#include "sources/proc_pid.h"

struct counting {
        const char *root;
        unsigned stats_left;
        struct task_counts c;
};

void task_counts_add(struct task_counts *c, const struct proc_stat *st) {
        c->processes++;
        c->threads += st->num_threads > 0 ? (unsigned)st->num_threads : 1;
        c->dstate += st->state == 'D';
        c->zombies += st->state == 'Z';
}

static int count(pid_t pid, void *ud) {
        struct counting *k = ud;
        struct proc_stat st;
        if (!k->stats_left) {
                k->c.processes++;
                k->c.threads++; /* at least */
                k->c.partial = true;
                return 0;
        }
        k->stats_left--;
        if (read_proc_stat(k->root, pid, &st) == 0) /* else gone meanwhile */
                task_counts_add(&k->c, &st);
        return 0;
}

int task_counts_of_cgroup(const char *root, const char *dir, struct task_counts *ret) {
        return task_counts_of_cgroup_within(root, dir, UINT_MAX, ret);
}

int task_counts_of_cgroup_within(const char *root, const char *dir, unsigned max_stats, struct task_counts *ret) {
        struct counting k = { .root = root, .stats_left = max_stats };
        int r = procs_in_cgroup(dir, count, &k);
        if (r < 0)
                return r;
        *ret = k.c;
        return 0;
}
