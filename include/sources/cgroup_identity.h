/* Which container and which Kubernetes pod a cgroup belongs to, read
 * from its path alone: docker (docker-ID.scope, /docker/ID), containerd
 * (cri-containerd-ID.scope), CRI-O (crio-ID.scope), podman
 * (libpod-ID.scope), pods (kubepods[-QOS]-podUID.slice,
 * /kubepods/QOS/podUID; the systemd form writes the UID's '-' as '_').
 * Pure, table-driven. */
#pragma once

#include <stdbool.h>

struct cgroup_identity {
        char runtime[16];      /* "docker", "containerd", "crio", "podman"; "" = no container, or
                                 * one whose runtime the path does not name (a cgroupfs pod's) */
        char container_id[80]; /* the runtime's id (hex), "" = none */
        char pod_uid[40];      /* the pod's UID with '-' (as the API shows it); "" = no pod */
        char qos[16];          /* "guaranteed", "burstable", "besteffort"; "" = unknown or no pod */
};

/* Fills ret from a cgroup path ("/kubepods.slice/...", relative to the
 * hierarchy root, or absolute under a mount). Fields it cannot find are
 * "". Returns true when a container or a pod was found; a path with a "."
 * or ".." component gives nothing. */
bool cgroup_identity_parse(const char *path, struct cgroup_identity *ret);
