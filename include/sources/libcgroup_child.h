/* libcgroup, run in a short-lived child process.
 *
 * cgroup_init() fills libcgroup's static tables (about 0.8 MiB): in the
 * guard itself they would be resident, and locked by mlockall, for ever,
 * while they serve only discovery and the rescans (every rescan_interval).
 * A child does the work and writes the answer to a pipe; the guard never
 * touches those pages. A failed fork (memory short) is an ordinary error:
 * the callers fall back to reading /proc/self/mounts and walking the tree
 * with nftw. */
#pragma once

#include <stddef.h>

/* libcgroup's mount point of the "memory" controller, into buf. */
int libcgroup_child_memory_mount(char *buf, size_t size);

/* The full paths of the memory cgroups under base_rel, down to depth
 * (0 = all), as libcgroup's tree walk gives them: fn is called for each
 * in the parent. Returns 0, fn's negative return, or -errno. */
typedef int (*libcgroup_path_fn)(const char *full_path, void *userdata);
int libcgroup_child_walk(const char *base_rel, int depth, libcgroup_path_fn fn, void *userdata);
