/* Container and pod identity from cgroup paths: the shapes the runtimes
 * and the kubelet make (the comment of each case says whose; see also
 * src/sources/cgroup_identity.c), and hostile ones. */
#include "testing.h"

#include <stdlib.h>

#include "sources/cgroup_identity.h"
#include "util.h"

#define ID "3f1c0a9d4e5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"
#define ID2 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID "5f8c1a2e-6b1d-4b3a-9c1e-2a4f6d8e0b1c"
#define UID_ "5f8c1a2e_6b1d_4b3a_9c1e_2a4f6d8e0b1c" /* as the systemd driver writes it */

struct want {
        const char *path, *runtime, *id, *pod, *qos;
};

static void check(const struct want *w) {
        struct cgroup_identity ci;
        bool found = cgroup_identity_parse(w->path, &ci);
        if (strcmp(ci.runtime, w->runtime) || strcmp(ci.container_id, w->id) || strcmp(ci.pod_uid, w->pod) ||
            strcmp(ci.qos, w->qos))
                fail_msg("%s: got runtime '%s' id '%s' pod '%s' qos '%s'", w->path, ci.runtime, ci.container_id,
                         ci.pod_uid, ci.qos);
        assert_int_equal(found, w->id[0] || w->pod[0]);
}

static void test_runtimes(void **state) {
        static const struct want w[] = {
                /* dockerd, systemd driver: cgroupsPath system.slice:docker:ID -> runc's unit docker-ID.scope */
                { "/system.slice/docker-" ID ".scope", "docker", ID, "", "" },
                /* a systemd inside the container keeps the container's identity */
                { "/system.slice/docker-" ID ".scope/init.scope", "docker", ID, "", "" },
                /* dockerd, cgroupfs driver: /docker/ID (and docker in docker, the inner one) */
                { "/docker/" ID, "docker", ID, "", "" },
                { "/docker/" ID "/docker/" ID2, "docker", ID2, "", "" },
                /* podman, systemd: libpod-ID.scope; conmon beside it is not the container */
                { "/machine.slice/libpod-" ID ".scope", "podman", ID, "", "" },
                { "/machine.slice/libpod-conmon-" ID ".scope", "", "", "", "" },
                { "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope", "podman", ID, "",
                  "" },
                /* podman, cgroupfs: /libpod_parent/libpod-ID, conmon in /libpod_parent/conmon */
                { "/libpod_parent/libpod-" ID, "podman", ID, "", "" },
                { "/libpod_parent/conmon", "", "", "", "" },
                /* absolute under a mount */
                { "/sys/fs/cgroup/memory/system.slice/docker-" ID ".scope", "docker", ID, "", "" },
                /* no container */
                { "/system.slice/sshd.service", "", "", "", "" },
                { "/user.slice/user-1000.slice/session-3.scope", "", "", "", "" },
                { "/", "", "", "", "" },
                { "", "", "", "", "" },
                { "/system.slice/docker.service", "", "", "", "" },
                { "/system.slice/docker-" ID ".scope.mount", "", "", "", "" },
        };
        for (size_t i = 0; i < ELEMENTSOF(w); i++)
                check(&w[i]);
}

static void test_kubernetes(void **state) {
        static const struct want w[] = {
                /* kubelet, systemd driver (ConvertCgroupNameToSystemd: '-' in the UID becomes '_'),
                 * containerd's CRI: cri-containerd-ID.scope */
                { "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/cri-containerd-" ID
                  ".scope",
                  "containerd", ID, UID, "burstable" },
                /* guaranteed pods have no QoS level: kubepods-podUID.slice */
                { "/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID ".scope", "containerd", ID, UID,
                  "guaranteed" },
                /* CRI-O: crio-ID.scope, its payload in .../container; crio-conmon-ID.scope is conmon */
                { "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/crio-" ID
                  ".scope/container",
                  "crio", ID, UID, "besteffort" },
                { "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/crio-conmon-" ID
                  ".scope",
                  "", "", UID, "besteffort" },
                /* the pod's own cgroup, and the QoS cgroups (no pod) */
                { "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice", "", "", UID,
                  "burstable" },
                { "/kubepods.slice/kubepods-burstable.slice", "", "", "", "" },
                { "/kubepods.slice", "", "", "", "" },
                /* kubelet, cgroupfs driver: /kubepods[/QOS]/podUID/ID (the runtime is not in the path) */
                { "/kubepods/burstable/pod" UID "/" ID, "", ID, UID, "burstable" },
                { "/kubepods/pod" UID "/" ID, "", ID, UID, "guaranteed" },
                { "/kubepods/besteffort/pod" UID "/crio-" ID, "crio", ID, UID, "besteffort" },
                /* a static pod's UID is the hash of its manifest: 32 hex digits */
                { "/kubepods/pod6d5b8e0c8a3a2f1e9b7c4d2e1f0a9b8c/" ID, "", ID, "6d5b8e0c8a3a2f1e9b7c4d2e1f0a9b8c",
                  "guaranteed" },
                /* containerd's systemd-style cgroupsPath written literally by the cgroupfs manager */
                { "/kubepods-burstable-pod" UID_ ".slice:cri-containerd:" ID, "containerd", ID, UID, "burstable" },
                /* kind: a cluster's node in a docker container, the pod's container inside */
                { "/docker/" ID2 "/kubepods/burstable/pod" UID "/" ID, "", ID, UID, "burstable" },
        };
        for (size_t i = 0; i < ELEMENTSOF(w); i++)
                check(&w[i]);
}

static void test_hostile(void **state) {
        static const struct want w[] = {
                /* ids: too long, not hex, upper case, empty, too short */
                { "/system.slice/docker-" ID "0.scope", "", "", "", "" },
                { "/system.slice/docker-" ID2 "g.scope", "", "", "", "" },
                { "/system.slice/docker-3F1C0A9D4E5B6C7D8E9F0A1B2C3D4E5F.scope", "", "", "", "" },
                { "/system.slice/docker-.scope", "", "", "", "" },
                { "/docker/abc", "", "", "", "" },
                /* pods: no UID, a UID too long or not hex, a QoS kubelet does not make, no kubepods */
                { "/kubepods/burstable/pod/" ID, "", "", "", "" },
                { "/kubepods/pod" UID "0/" ID, "", "", "", "" },
                { "/kubepods/pod"
                  "zzzzzzzz-zzzz"
                  "/" ID,
                  "", "", "", "" },
                { "/kubepods/weird/pod" UID "/" ID, "", "", "", "" },
                { "/notkubepods/pod" UID "/" ID, "", "", "", "" },
                { "/kubepods.slice/kubepods-pod.slice", "", "", "", "" },
                { "/kubepods.slice/kubepods-burstable-pod" UID_ "x.slice", "", "", "", "" },
                /* ".." or "." anywhere: nothing */
                { "/kubepods/../docker/" ID, "", "", "", "" },
                { "/docker/" ID "/..", "", "", "", "" },
                { "./docker/" ID, "", "", "", "" },
                /* doubled slashes are one */
                { "//docker//" ID "/", "docker", ID, "", "" },
        };
        struct cgroup_identity ci;
        for (size_t i = 0; i < ELEMENTSOF(w); i++)
                check(&w[i]);
        assert_false(cgroup_identity_parse(NULL, &ci));
        assert_string_equal(ci.runtime, "");
        /* a very long path, and a component longer than any cgroup name */
        size_t n = 70000;
        char *big = malloc(n + 1);
        assert_non_null(big);
        for (size_t i = 0; i < n; i++)
                big[i] = i % 3 == 0 ? '/' : 'a';
        big[n] = '\0';
        assert_false(cgroup_identity_parse(big, &ci));
        memset(big, 'a', n);
        memcpy(big, "/docker-", 8);
        assert_false(cgroup_identity_parse(big, &ci));
        free(big);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_runtimes),
                cmocka_unit_test(test_kubernetes),
                cmocka_unit_test(test_hostile),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
