/* The guard's own memory cgroup as its container sees it (sidecar mode).
 *
 * With a cgroup namespace /proc/self/cgroup says "/" (or "memory:/") and
 * a memory hierarchy mounted inside has the container's cgroup at its
 * root. Without one (Debian's runc) /proc/self/cgroup still shows the
 * host's path while /sys/fs/cgroup/memory is a bind mount of the
 * container's own directory: mountinfo's root field then names that path,
 * and what is left of our path below it is our cgroup in the mount. When
 * mountinfo does not say (root "/") and our path does not exist under the
 * mount, the mount root is ours. A mount whose root is above our
 * namespace's root ("/..", the host's tree, mounted before the namespace
 * was made or bind-mounted into the container) is searched for our
 * namespace's root (sources/cgroup_namespace.h): found, /proc's views
 * are paths in the mount from then on (sources/cgroup_view.h) and our
 * cgroup is our own view; not found, refused, never guessed. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/cgroup_tree.h"

struct self_cgroup {
        char rel[PATH_MAX];        /* in the memory hierarchy's mount; "/" = its root */
        char proc_view[PATH_MAX];  /* as /proc/self/cgroup shows it (what cgroup: matchers see) */
        char mount_root[PATH_MAX]; /* the memory mount's root in mountinfo, "" = not listed */
        uint64_t limit;            /* its own memory.max / memory.limit_in_bytes; BYTES_UNLIMITED */
        const char *controller;    /* its line in /proc/PID/cgroup: "memory" (v1), NULL (v2) */
        const char *how;           /* how rel was found, for the log */
        /* What /proc/PID/cgroup shows before a path in the mount: "" with a
         * cgroup namespace, the host's path of our cgroup without one (runc
         * here). Membership checks compare prefix + rel with /proc's view. */
        char proc_prefix[PATH_MAX];
};

/* Pure: our cgroup in a mount whose root field is mount_root, from our
 * path in /proc/self/cgroup. -EXDEV when the mount's root lies above our
 * namespace ("/.."), -ENOENT when our path is not below the mount's root. */
int self_cgroup_resolve(const char *proc_view, const char *mount_root, char *ret, size_t size);

/* The memory limit of cgroup rel (a path in m's memory mount): its own
 * memory.max / memory.limit_in_bytes, BYTES_UNLIMITED when it has none. */
uint64_t cgroup_own_limit(const struct cgroup_mounts *m, const char *rel);

/* Reads ROOT/proc/self/cgroup, ROOT/proc/self/mountinfo and the limit.
 * Returns 0 or -errno (as self_cgroup_resolve, or the files' errors). */
int self_cgroup_find(const char *root, const struct cgroup_mounts *m, struct self_cgroup *ret);

/* The container rule (auto-detection): our cgroup is the root of the
 * hierarchy we see and has a limit of its own. A host's root cgroup never
 * has one (v2 has no memory.max there; v1's cannot be set). */
bool self_cgroup_is_container(const struct self_cgroup *s);

/* The runtime signs systemd-detect-virt --container also reads
 * (the "container" variable of PID 1's environment, /run/systemd/container,
 * /.dockerenv, /run/.containerenv) and KUBERNETES_SERVICE_HOST, as one
 * line for the log ("" when none); root is the filesystem root. */
void container_signs(const char *root, char *buf, size_t size);
