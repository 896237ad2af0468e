/* Membership in a cgroup as /proc/PID/cgroup shows it from our cgroup
 * namespace. A process in a sibling container reads "/../app" there (the
 * path from our namespace's root up and down again): path_within() calls
 * no such path within anything, on purpose (a "/../x" must never be taken
 * for a path below "/"). A view the kernel printed for a process we chose
 * is canonical, though: equal strings are the same cgroup, and a string
 * that goes on below it by plain names is a cgroup below it. */
#pragma once

#include <stdbool.h>

/* Pure: whether the kernel's canonical form: "/" or "/" components,
 * optionally a leading run of ".." (above our namespace), then names that
 * are neither "." nor ".."; no empty component, no trailing "/". */
bool cgroup_view_canonical(const char *view);

/* Pure: whether view is scope or a cgroup below it. scope must be a view
 * the kernel gave (canonical; its leading ".." run is what lets a sibling
 * container be a scope); the part of view below scope has no "." or ".."
 * component. For a scope without "..", the same answer as path_within. */
bool cgroup_view_within(const char *view, const char *scope);
