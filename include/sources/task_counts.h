/* How many tasks of a cgroup are in uninterruptible sleep (D), how many
 * are zombies, and how many threads there are: the state a forensic
 * report and --status need. */
#pragma once

#include <stdint.h>

#include "sources/proc_pid.h"

struct task_counts {
        unsigned processes, threads, dstate, zombies;
};

/* Count one process (its /proc/PID/stat) into c. */
void task_counts_add(struct task_counts *c, const struct proc_stat *st);

/* Walks dir and its child cgroups (cgroup.procs + /proc/PID/stat). */
int task_counts_of_cgroup(const char *root, const char *dir, struct task_counts *ret);
