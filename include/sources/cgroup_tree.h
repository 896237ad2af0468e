/* Where the memory cgroups are (v1, v2, hybrid) and which exist.
 *
 * On the live system (root "/") mount discovery goes through libcgroup.
 * libcgroup always reads the real /proc/mounts, so for a fixture root
 * (tests) the same answers come from ROOT/proc/self/mounts. The tree is
 * walked directly in both cases, directories only, to the depth asked
 * (libcgroup's walk stats every file of the whole subtree). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "sources/memcg.h"

enum cgroup_layout { LAYOUT_NONE = 0, LAYOUT_V1, LAYOUT_V2, LAYOUT_HYBRID };

struct cgroup_mounts {
        enum cgroup_layout layout;
        enum cgroup_version memory_version; /* which one has "memory" */
        char memory_mount[PATH_MAX];        /* absolute, includes root */
        char unified_mount[PATH_MAX];       /* cgroup2 mount or "" */
        char freezer_mount[PATH_MAX];       /* v1 freezer or "" (kill-cgroup on v1) */
        char pids_mount[PATH_MAX];          /* v1 pids or "" (cap-forks on v1) */
        bool unified_has_psi;
};

/* Pure: parse /proc/self/mounts text. Paths in ret are as written in the
 * file (caller prefixes the root). -ENOENT when there is no memory
 * controller anywhere. */
int parse_cgroup_mounts(const char *buf, size_t len, struct cgroup_mounts *ret);
int cgroup_mounts_discover(const char *root, struct cgroup_mounts *ret);
const char *cgroup_layout_to_string(enum cgroup_layout l);

/* Calls fn(rel_path, userdata) for base_rel ("/" = the root cgroup) and
 * the cgroup directories below it, at most depth levels down (0 = all),
 * rel_path starting with "/". fn returns <0 to stop. A base that does not
 * exist is an empty walk. Returns 0 or -errno. */
typedef int (*cgroup_visit_fn)(const char *rel_path, void *userdata);
int cgroup_tree_walk(const char *root, const struct cgroup_mounts *m, const char *base_rel, int depth,
                     cgroup_visit_fn fn, void *userdata);

/* Where the memory.pressure of the memory cgroup rel is: the same path
 * under the cgroup2 mount (itself on v2, its twin on hybrid) when that
 * directory exists; into buf, or NULL. */
const char *cgroup_psi_dir(const struct cgroup_mounts *m, const char *rel, char *buf, size_t size);

/* Pure: the literal directories a path glob starts with (for a glob of
 * "/kubepods", a wildcard component and "x": "/kubepods") and how many
 * levels below them it reaches (2). A literal path gives itself and 1; a
 * "**" component, 0 (the whole subtree). */
void glob_walk_base(const char *glob, char *base, size_t size, int *ret_depth);
