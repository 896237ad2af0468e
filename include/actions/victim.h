/* Choosing the process to kill: the kernel's own badness (oom_score:
 * rss + swap + page tables, scaled by oom_score_adj), moved by the
 * admin's prefer / avoid matchers, never a protected process. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/matcher.h"
#include "sources/proc_pid.h"

/* prefer / avoid move a process by this many oom_score points (of 1000),
 * as earlyoom does. */
#define VICTIM_BIAS 300

struct victim_policy {
        const char *root; /* "/" live */
        /* [daemon]'s lists and the rule's own (either may be NULL). */
        const struct matcher_list *protect[2], *prefer[2], *avoid[2];
        bool allow_unkillable;         /* oom_score_adj -1000 may be chosen */
        pid_t self;                    /* never */
        uint64_t scope_bytes;          /* cgroup limit (badness scale); 0 = machine-wide */
        const char *cgroup_rel;        /* the cgroup searched (membership re-check); NULL = machine */
        const char *cgroup_controller; /* "memory" (v1) or NULL (v2) for cgroup matchers */
        /* What /proc/PID/cgroup shows before cgroup_rel ("" or NULL: nothing;
         * a sidecar without a cgroup namespace: its host path, self_cgroup.h). */
        const char *cgroup_proc_prefix;
};

struct victim {
        pid_t pid, ppid;
        uint64_t starttime; /* identity: pid + start time */
        char comm[COMM_MAX];
        int oom_score, score, oom_score_adj;
        uid_t uid;
        uint64_t rss, swap;
        char state;       /* /proc/PID/stat's letter when ranked */
        unsigned threads; /* when ranked */
        int pidfd;        /* taken at choice time; -1 when none */
};

struct victim_stats {
        unsigned scanned;   /* pids looked at */
        unsigned eligible;  /* could have been chosen */
        unsigned ranked_of; /* through a ranking of this many pids; 0 = full scan */
};

/* Choose among the processes of a cgroup directory (and its children),
 * or every process when cgroup_dir is NULL. On success ret->pidfd is an
 * open pidfd of the chosen process, verified to be the same process
 * (start time) after opening. -ESRCH when nobody is eligible. */
int victim_choose(const struct victim_policy *vp, const char *cgroup_dir, struct victim *ret,
                  struct victim_stats *stats);
/* The same, and what the choice saw into top[0..*n_top), for the report:
 * the winner first, then the processes that led the search before it
 * (at most want - 1, best first). The search reads no more than for the
 * winner alone. */
int victim_choose_top(const struct victim_policy *vp, const char *cgroup_dir, struct victim *ret,
                      struct victim_stats *stats, struct victim *top, size_t want, size_t *n_top);
void victim_release(struct victim *v);

/* Scores pids and merges them into top[0..*n_top), best first, keeping at
 * most want (the pruning of victim_choose: a process that cannot enter
 * top costs one read). Ineligible and vanished pids are skipped. Adds to
 * *stats when given. */
int victim_rank(const struct victim_policy *vp, const pid_t *pids, size_t n_pids, struct victim *top, size_t want,
                size_t *n_top, struct victim_stats *stats);

/* Is pid in the policy's cgroup (or anywhere, machine-wide)? */
bool victim_in_scope(const struct victim_policy *vp, pid_t pid);
/* Is pid in cgroup rel (a path in the mount) as /proc shows it: the
 * prefix /proc puts before paths in the mount (victim_policy's
 * cgroup_proc_prefix: a sidecar's), then rel. The kill path's check,
 * shared with the cgroup sweep. */
bool pid_in_cgroup(const char *root, const char *controller, const char *proc_prefix, const char *rel, pid_t pid);

/* Makes a ranked process the victim: pidfd, identity (start time) and,
 * inside a cgroup, membership re-checked, details read. -ESRCH when it
 * is no longer the process that was ranked. */
int victim_take(const struct victim_policy *vp, struct victim *v);

/* true when the policy never lets this process be signalled: PID 1,
 * oomguard, kernel threads, zombies, oom_score_adj -1000, or a protect
 * match (a fact a protect matcher needs but cannot read counts as one). */
bool victim_policy_spares(const struct victim_policy *vp, const struct proc_stat *st);

/* Reads /proc/PID/stat of pid and checks it still has this start time. */
bool victim_is_same_process(const char *root, pid_t pid, uint64_t starttime);
