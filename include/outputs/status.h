/* `oomguard --status [--json]`: one snapshot for a person (or a script),
 * printed from a read-only view the daemon fills. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "policy/evaluate.h"
#include "policy/policy.h"
#include "snapshot/snapshot.h"
#include "sources/cgroup_tree.h"
#include "sources/proc_pid.h"
#include "sources/self_cgroup.h"
#include "sources/task_counts.h"

/* One process an [adjust:] rule matches (--adjust). */
struct status_adjust_row {
        pid_t pid;
        char comm[COMM_MAX];
        const char *rule;
        int wanted, current;
        bool enforce;
};

/* The process of a cgroup (and its children) with the most resident
 * memory. */
struct status_process {
        pid_t pid; /* 0: the cgroup holds no process */
        char comm[COMM_MAX];
        uint64_t rss; /* bytes */
};

/* One cgroup: it has a memory limit, or a [cgroup:] rule watches it. */
struct status_row {
        const struct cgroup_view *cg;
        const char *rule; /* the rule that owns it, NULL = none */
        bool has_tasks;   /* tasks and biggest were read */
        struct task_counts tasks;
        struct status_process biggest;
};

struct status_view {
        const char *root;                   /* where /proc is */
        const struct cgroup_mounts *mounts; /* NULL: no memory hierarchy */
        const char *process_events;         /* how processes are followed */
        const char *hidden;                 /* NULL: every process is seen; else which are not */
        const char *config;                 /* the policy file; NULL = none */
        const char *default_config;         /* the path looked for without -c */
        const struct self_cgroup *sidecar;  /* sidecar mode: the container's cgroup; NULL otherwise */
        const struct machine_view *machine;
        /* The closest to its limit first; the first n_rows of n_total. */
        const struct status_row *rows;
        size_t n_rows, n_total;
        const struct policy *policy;      /* the [adjust:] rules */
        const struct decision *decisions; /* what would fire now */
        size_t n_decisions;
        bool adjust; /* --adjust: the rows below */
        const struct status_adjust_row *adjust_rows;
        size_t n_adjust_rows;
};

void status_print_text(const struct status_view *v, FILE *out);
void status_print_json(const struct status_view *v, FILE *out);
