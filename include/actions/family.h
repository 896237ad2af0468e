/* A supervisor and its workers as one unit: pinned with pidfds before the
 * first signal, the supervisor killed first so that it cannot fork a
 * replacement for a killed worker, then every descendant. */
#pragma once

#include <stddef.h>

#include "actions/kill.h"
#include "actions/victim.h"
#include "policy/policy.h"

#define FAMILY_MAX 256

struct family {
        struct victim head;                 /* the supervisor */
        struct victim members[FAMILY_MAX];  /* its descendants */
        size_t n;
        bool truncated;                     /* more than FAMILY_MAX */
        unsigned spared;                    /* protected descendants left alone */
};

struct family_result {
        unsigned signalled, exited;
        uint64_t head_exit_ns;              /* supervisor gone after */
        uint64_t all_exit_ns;               /* everyone gone after */
};

/* Pin head (pid, start time) and all its descendants: pidfds, identity
 * verified. Descendants the policy spares (protect, -1000, oomguard...)
 * are left out; -EPERM when it spares the head. -ESRCH when head is no
 * longer that process. vp may be NULL (no policy filter). */
int family_collect(const char *root, const struct victim_policy *vp, pid_t head, uint64_t head_start,
                   struct family *ret);

/* SIGKILL the head, then the members; process_mrelease each; wait up to
 * timeout_ns for all of them. */
int family_kill(struct family *f, uint64_t timeout_ns, struct family_result *ret);
void family_release(struct family *f);

/* Which supervisor, if any, stands above the victim: the nearest ancestor
 * in the same cgroup that a [supervisor:] rule names (or, with
 * any_parent_restarted, one the restart tracker saw re-fork a killed
 * child). Never the host's PID 1; a container's PID 1 only when the rule
 * says container_init. Returns 0 and fills ret_pid, ret_start, ret_rule,
 * or -ENOENT. */
struct supervisor_query {
        const char *root;
        const struct supervisor_rule *rules;
        size_t n_rules;
        const char *cgroup_controller;      /* "memory" (v1) or NULL (v2) */
        bool (*restarted)(pid_t pid, uint64_t start, void *ud); /* optional */
        void *ud;
};
int supervisor_of(const struct supervisor_query *q, pid_t victim, pid_t *ret_pid,
                  uint64_t *ret_start, const struct supervisor_rule **ret_rule);

/* The first [supervisor:] rule that names pid (its match list and cgroup
 * glob), honouring container_init; NULL when none. ret_st (optional)
 * receives the process's stat. Never the host's PID 1. */
const struct supervisor_rule *supervisor_rule_match(const struct supervisor_query *q, pid_t pid,
                                                    struct proc_stat *ret_st);
