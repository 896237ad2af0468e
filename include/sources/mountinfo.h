/* /proc/self/mountinfo: where a mount's root lies in its filesystem.
 * For a cgroup hierarchy that is the cgroup at the mount's top, written
 * relative to the reader's cgroup namespace: "/" (its root), "/a/b" (a
 * bind mount of a directory below it) or "/../.." (a hierarchy mounted
 * from outside the namespace, its top two levels above our root). */
#pragma once

#include <stddef.h>

/* Pure: the root field (4th) of the LAST mountinfo line whose mount point
 * (5th) is mount_point (a later mount hides an earlier one there), octal
 * escapes undone. -ENOENT when none, -ENAMETOOLONG. */
int parse_mountinfo_root(const char *buf, size_t len, const char *mount_point, char *ret, size_t size);

/* Reads ROOT/proc/self/mountinfo for the mount at mount (a path that
 * includes ROOT, as cgroup_mounts has them). 0 or -errno. Allocates. */
int mountinfo_root_of(const char *root, const char *mount, char *ret, size_t size);
