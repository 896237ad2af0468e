/* /proc/PID/cgroup paths as paths in the mounted hierarchies.
 *
 * A process in a cgroup namespace of its own reads every /proc/PID/cgroup
 * relative to its namespace's root ("/" is the cgroup it was in when the
 * namespace was made, "/../b" a sibling), while a hierarchy mounted from
 * outside the namespace has a higher cgroup at its top: a node-wide
 * DaemonSet's hostPath /sys/fs/cgroup, under a runtime that gives every
 * container a cgroup namespace (containerd and CRI-O on cgroup v2), has
 * the host's root there. Once our namespace root's path in such a mount
 * is known (sources/cgroup_namespace.h), read_proc_cgroup() maps every
 * view through it, so that [cgroup:] scopes, cgroup: matchers and the kill
 * path's membership checks compare paths in the mount with paths in the
 * mount. Without a namespace, or with the hierarchy mounted inside it,
 * nothing is set and views are used as read.
 *
 * Set once at start (before any reader runs), read by every reader: a
 * fixed table, one entry per hierarchy, no allocation. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CGROUP_VIEWS_MAX 4

/* Views of controller's hierarchy ("memory", "pids", "freezer"; NULL for
 * cgroup2's) are relative to ns_root, a path in its mount. -ENOSPC when
 * the table is full, -ENAMETOOLONG. */
int cgroup_view_set(const char *controller, const char *ns_root);

/* Forgets every mapping (tests). */
void cgroup_views_clear(void);

/* Maps path (a view of controller's hierarchy read from /proc, in place)
 * to its path in the mount: unchanged when the hierarchy has no mapping,
 * -EXDEV when it climbs above the mount's top, -ENAMETOOLONG. */
int cgroup_view_map(const char *controller, char *path, size_t size);

/* The namespace root of controller's hierarchy, NULL when not mapped. */
const char *cgroup_view_root(const char *controller);
