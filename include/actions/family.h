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
        struct victim head;                /* the supervisor */
        struct victim members[FAMILY_MAX]; /* its descendants */
        size_t n;
        bool truncated;     /* more than FAMILY_MAX */
        unsigned spared;    /* protected descendants left alone */
        unsigned elsewhere; /* descendants in another cgroup, left alone */
};

struct family_result {
        unsigned signalled, exited;
        uint64_t head_exit_ns; /* supervisor gone after */
        uint64_t all_exit_ns;  /* everyone gone after */
};

/* Pin head (pid, start time) and all its descendants: pidfds, identity
 * verified. Descendants the policy spares (protect, -1000, oomguard...)
 * are left out, and so are those outside the policy's cgroup;
 * -EPERM when it spares the head. -ESRCH when head is no
 * longer that process. vp may be NULL (no policy filter). */
int family_collect(const char *root, const struct victim_policy *vp, pid_t head, uint64_t head_start,
                   struct family *ret);

/* SIGKILL the head, then the members; process_mrelease each; wait up to
 * timeout_ns for all of them. */
int family_kill(struct family *f, uint64_t timeout_ns, struct family_result *ret);
void family_release(struct family *f);
