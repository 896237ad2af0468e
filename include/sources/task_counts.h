/* How many tasks of a cgroup are in uninterruptible sleep (D), how many
 * are zombies, and how many threads there are: the state a forensic
 * report and --status need. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "sources/proc_pid.h"

struct task_counts {
        unsigned processes, threads, dstate, zombies;
        bool partial; /* threads, D-state and zombies of the first processes only */
};

/* Count one process (its /proc/PID/stat) into c. */
void task_counts_add(struct task_counts *c, const struct proc_stat *st);

/* Walks dir and its child cgroups (cgroup.procs + /proc/PID/stat). */
int task_counts_of_cgroup(const char *root, const char *dir, struct task_counts *ret);
/* The same reading at most max_stats /proc/PID/stat (on the kill path:
 * bounded); past that, processes are counted from the list alone and
 * ret->partial is set. */
int task_counts_of_cgroup_within(const char *root, const char *dir, unsigned max_stats, struct task_counts *ret);
