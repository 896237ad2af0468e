/* Listing processes without allocating: a cgroup subtree through its
 * cgroup.procs files, or every process through /proc. */
#pragma once

#include <sys/types.h>

/* Return < 0 from the visitor to stop the walk (that value is returned). */
typedef int (*pid_visit_fn)(pid_t pid, void *userdata);

/* Every process in the cgroup directory dir and its descendants (v1 and v2
 * memory accounting is hierarchical, cgroup.procs is not). A cgroup that
 * vanishes during the walk is skipped. */
int procs_in_cgroup(const char *dir, pid_visit_fn fn, void *userdata);

/* Every process under root's /proc. */
int procs_all(const char *root, pid_visit_fn fn, void *userdata);

/* Pure: parse the pids of a cgroup.procs chunk. *carry holds a partial
 * number from the previous chunk (0 = none). Calls fn for each complete
 * pid. Used by procs_in_cgroup; exposed for tests. */
int parse_pid_list(const char *buf, size_t len, long *carry, pid_visit_fn fn, void *userdata);
