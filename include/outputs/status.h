/* `oomguard --status [--json]`: one snapshot for a person (or a script),
 * printed from a read-only view the daemon fills. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "policy/evaluate.h"
#include "policy/policy.h"
#include "snapshot/snapshot.h"
#include "sources/cgroup_tree.h"
#include "sources/proc_pid.h"

/* One process an [adjust:] rule matches (--adjust). */
struct status_adjust_row {
        pid_t pid;
        char comm[COMM_MAX];
        const char *rule;
        int wanted, current;
        bool enforce;
};

struct status_view {
        const char *root;                   /* where /proc is (task counts) */
        const struct cgroup_mounts *mounts; /* NULL: no memory hierarchy */
        const char *process_events;         /* how processes are followed */
        const struct machine_view *machine;
        const struct cgroup_view *cgroups;
        size_t n_cgroups;
        const struct policy *policy;      /* rule names */
        const struct decision *decisions; /* what would fire now */
        size_t n_decisions;
        bool adjust; /* --adjust: the rows below */
        const struct status_adjust_row *adjust_rows;
        size_t n_adjust_rows;
};

void status_print_text(const struct status_view *v, FILE *out);
void status_print_json(const struct status_view *v, FILE *out);
