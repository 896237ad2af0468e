/* Which processes are supervisors: the [supervisor:] rule that names a
 * process, and the supervisor standing above a victim. Reads /proc (the
 * process's stat, status, cgroup and cmdline) through sources/; allocates
 * nothing. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "sources/proc_pid.h"

/* The [supervisor:] rules and where to read processes; restarted (with
 * ud) optionally asks the restart tracker whether a parent re-forked a
 * killed child lately. */
struct supervisor_query {
        const char *root;
        const struct supervisor_rule *rules;
        size_t n_rules;
        const char *cgroup_controller; /* "memory" (v1) or NULL (v2) */
        bool (*restarted)(pid_t pid, uint64_t start, void *ud);
        void *ud;
};

/* Which supervisor, if any, stands above the victim: the nearest ancestor
 * in the same cgroup that a [supervisor:] rule names (or, when restarted
 * is set, one the restart tracker saw re-fork a killed child). Never
 * the host's PID 1; a container's PID 1 only when the rule says
 * container_init. Returns 0 and fills ret_pid, ret_start, ret_rule,
 * or -ENOENT. */
int supervisor_of(const struct supervisor_query *q, pid_t victim, pid_t *ret_pid, uint64_t *ret_start,
                  const struct supervisor_rule **ret_rule);

/* The first [supervisor:] rule that names pid (its match list and cgroup
 * glob), honouring container_init; NULL when none. ret_st (optional)
 * receives the process's stat. Never the host's PID 1. */
const struct supervisor_rule *supervisor_rule_match(const struct supervisor_query *q, pid_t pid,
                                                    struct proc_stat *ret_st);
