/* How many tasks of a cgroup are in uninterruptible sleep (D), how many
 * are zombies, and how many threads there are: the state a forensic
 * report and --status need. */
#pragma once

#include <stdint.h>

struct task_counts {
        unsigned processes, threads, dstate, zombies;
};

/* Walks dir and its child cgroups (cgroup.procs + /proc/PID/stat). */
int task_counts_of_cgroup(const char *root, const char *dir, struct task_counts *ret);
