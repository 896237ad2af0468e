/* `oomguard --status`: the machine and every cgroup with a memory limit
 * (or a rule), read twice for real rates, then printed (outputs/status.h).
 * A command, not the daemon's hot path: it allocates, and opens files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "guard.h"
#include "outputs/status.h"

#define STATUS_TOP 20                       /* rows without --all */
#define STATUS_GAP_NS (500 * NSEC_PER_MSEC) /* between the two readings */

struct status_options {
        bool json, adjust, all;
        const char *config;                /* the policy file loaded, NULL = none */
        const char *default_config;        /* the one looked for without -c */
        const struct self_cgroup *sidecar; /* sidecar mode: the container's cgroup, or NULL */
};

/* Prints the status of g (its policy may be empty) to stdout. Returns
 * the exit code: 0, or 1 when it could not be gathered. */
int status_show(struct guard *g, const struct status_options *o);

/* A limited cgroup no rule watches: opened and read here as a watched
 * one is by snapshot/cgroup_set.c (status_set.c). */
struct status_cgroup {
        char *path; /* relative: "/a/b" */
        struct memcg_files files;
        struct memcg_stats prev;
        uint64_t prev_ns;
        bool has_prev;
        struct cgroup_view view; /* the last reading */
};

struct status_set {
        struct status_cgroup *items;
        size_t n, cap;
};

/* Every cgroup of g's memory hierarchy with a limit of its own that g
 * does not watch already. Returns 0 or -errno (a partial set stays). */
int status_set_build(struct status_set *s, const struct guard *g);
/* One reading of each: view, and rates against the reading before. */
void status_set_read(struct status_set *s, char *scratch, size_t size);
void status_set_free(struct status_set *s);

/* The processes, task states and biggest process of row's cgroup (and
 * its children). */
void status_row_tasks(const struct guard *g, struct status_row *row);
