/* Our cgroup namespace's root in a hierarchy mounted from outside it
 * (see sources/cgroup_view.h for why it matters).
 *
 * mountinfo says how far above our root the mount's top lies ("/../.."
 * is two levels) but not the names on the way; /proc/self/cgroup gives
 * our own cgroup relative to our root. The root is the directory that
 * many levels below the mount's top in which our own cgroup lists our
 * pid in cgroup.procs: the pid is in exactly one cgroup of a hierarchy,
 * so the answer is never a guess. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Pure: how many levels the mount's top is above our namespace's root:
 * "/" 0, "/.." 1, "/../.." 2. -ENOENT for a root inside the namespace
 * ("/a": a bind mount of one of our cgroups, nothing to climb), -EXDEV
 * for one beside it ("/../x": our root is not below the mount's top). */
int cgroupns_levels_above(const char *mount_root);

/* The directory `levels` below the mount's top (a path in the mount,
 * "/a/b") under which self_view (our /proc view, "/" or "/sub") is the
 * cgroup whose cgroup.procs lists pid. 0, -ENOENT when none, -errno. */
int cgroupns_find_root(const char *mount, int levels, const char *self_view, pid_t pid, char *ret, size_t size);

/* For the hierarchy mounted at mount whose /proc/PID/cgroup lines are
 * controller's (NULL: cgroup2): when its top lies above our namespace,
 * finds our root in it and sets the mapping (cgroup_view_set). Returns 1
 * when mapped (ns_root filled), 0 when nothing needs mapping (or the
 * mount is not in mountinfo), -errno when our root cannot be told
 * (-EXDEV, also when our own view climbs out of our root: any sibling
 * of it would fit; -ENOENT: then views there that climb above our root match
 * nothing, as before). Start-up only: allocates. */
int cgroupns_map_mount(const char *root, const char *mount, const char *controller, char *ns_root, size_t size);
