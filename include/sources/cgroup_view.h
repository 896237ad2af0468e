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

/* Membership in a cgroup as /proc/PID/cgroup shows it from our cgroup
 * namespace, where nothing maps it (a sibling container's cgroup is in no
 * mount of ours). A process in a sibling container reads "/../app" there
 * (the path from our namespace's root up and down again): path_within() calls
 * no such path within anything, on purpose (a "/../x" must never be taken
 * for a path below "/"). A view the kernel printed for a process we chose
 * is canonical, though: equal strings are the same cgroup, and a string
 * that goes on below it by plain names is a cgroup below it. */

/* Pure: whether the kernel's canonical form: "/" or "/" components,
 * optionally a leading run of ".." (above our namespace), then names that
 * are neither "." nor ".."; no empty component, no trailing "/". */
bool cgroup_view_canonical(const char *view);

/* Pure: whether view is scope or a cgroup below it. scope must be a view
 * the kernel gave (canonical; its leading ".." run is what lets a sibling
 * container be a scope); the part of view below scope has no "." or ".."
 * component. For a scope without "..", the same answer as path_within. */
bool cgroup_view_within(const char *view, const char *scope);

/* Pure: the path in the mount of view (a /proc view of the hierarchy the
 * mount shows) into ret: view without prefix, what /proc shows before a
 * path in the mount (a sidecar's self_cgroup.proc_prefix: "/../app" for
 * the app beside it, the host's path in runc's layout; NULL, "" or "/"
 * for none), "/" for prefix itself. -EXDEV when view is not prefix or
 * below it by plain names, or (no prefix) has a "." or ".." component: a
 * cgroup outside the mount, never joined onto it. -ENAMETOOLONG. */
int cgroup_view_rel(const char *view, const char *prefix, char *ret, size_t size);
