/* libFuzzer entry for the container/pod path table: the input, NUL-
 * terminated, is a cgroup path. What comes out must be bounded and
 * well-formed: a hex container id, a pod UID without '_', a known QoS.
 * Seeds: tests/fuzz/corpus/cgroup_identity (the runtimes' path shapes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sources/cgroup_identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(a) (strnlen((a), sizeof(a)) < sizeof(a))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct cgroup_identity ci;
        char *path = malloc(size + 1);
        if (!path)
                return 0;
        memcpy(path, data, size);
        path[size] = '\0';
        bool found = cgroup_identity_parse(path, &ci);
        free(path);
        if (!TERMINATED(ci.runtime) || !TERMINATED(ci.container_id) || !TERMINATED(ci.pod_uid) || !TERMINATED(ci.qos))
                __builtin_trap();
        if (found != (ci.container_id[0] || ci.pod_uid[0]) || strchr(ci.pod_uid, '_') ||
            strspn(ci.container_id, "0123456789abcdef") != strlen(ci.container_id) ||
            (ci.qos[0] && strcmp(ci.qos, "guaranteed") && strcmp(ci.qos, "burstable") && strcmp(ci.qos, "besteffort")))
                __builtin_trap();
        return 0;
}
