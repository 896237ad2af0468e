/* Which container and which Kubernetes pod a cgroup path belongs to.
 * Pure and table-driven: each component of the path is matched against
 * the names the runtimes give their cgroups; the deepest container and
 * the deepest pod win (a container's own sub-cgroups, such as
 * ".../crio-ID.scope/container" or a systemd inside it, keep its
 * identity; a container nested in another is the inner one). A path with
 * a "." or ".." component is refused whole: the kernel never writes one.
 *
 * Where the names come from:
 * - systemd cgroup driver: runc's libcontainer/cgroups/systemd names a
 *   container's unit PREFIX-ID.scope, PREFIX being "docker" (dockerd's
 *   default cgroupsPath system.slice:docker:ID), "cri-containerd"
 *   (containerd's CRI plugin), "crio" (cri-o internal/config/cgmgr:
 *   CrioPrefix = "crio"; conmon runs in crio-conmon-ID.scope, not the
 *   container) or "libpod" (podman; conmon in libpod-conmon-ID.scope).
 *   A containerd CRI set up for systemd paths but with the cgroupfs
 *   manager writes the cgroupsPath literally: "SLICE:cri-containerd:ID".
 * - cgroupfs driver: dockerd makes /docker/ID, cri-o PARENT/crio-ID,
 *   podman /libpod_parent/libpod-ID (conmon: /libpod_parent/conmon).
 * - Kubernetes (pkg/kubelet/cm: podCgroupNamePrefix = "pod", the QoS
 *   cgroups "burstable" and "besteffort" under "kubepods", guaranteed
 *   pods straight under it): cgroupfs /kubepods[/QOS]/podUID/ID; systemd
 *   kubepods.slice/kubepods[-QOS].slice/kubepods[-QOS]-podUID.slice/...,
 *   where ConvertCgroupNameToSystemd turns the UID's '-' into '_'
 *   ("systemd treats - as a step in the hierarchy").
 * The runtimes' ids are hex (64 characters: a shorter run of 12 or more
 * is accepted); a pod UID is hex and '-' (36 characters, or 32 for a
 * static pod's hash). */
#include <stddef.h>
#include <string.h>

#include "sources/cgroup_identity.h"

#define ID_MIN 12
#define ID_MAX 64
#define UID_MAX_LEN 36
#define NAME_MAX_LEN 255 /* a cgroup's name, as any file's */

/* A container's cgroup by its own name: PREFIX ID SUFFIX. */
static const struct name_rule {
        const char *prefix, *suffix, *runtime;
} name_rules[] = {
        { "docker-", ".scope", "docker" }, { "cri-containerd-", ".scope", "containerd" },
        { "crio-", ".scope", "crio" },     { "libpod-", ".scope", "podman" },
        { "crio-", "", "crio" },           { "libpod-", "", "podman" },
};

/* A container's cgroup by its parent's name (cgroupfs): PARENT/ID. */
static const struct parent_rule {
        const char *parent, *runtime;
} parent_rules[] = {
        { "docker", "docker" },
};

/* The QoS classes, as kubelet names their cgroups and as the API shows them. */
static const char *const qos_names[] = { "burstable", "besteffort" };

struct span {
        const char *p;
        size_t n;
};

static bool span_is(struct span s, const char *lit) { return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0; }

static bool span_strip(struct span *s, const char *prefix, const char *suffix) {
        size_t a = strlen(prefix), b = strlen(suffix);
        if (s->n < a + b || memcmp(s->p, prefix, a) != 0 || memcmp(s->p + s->n - b, suffix, b) != 0)
                return false;
        s->p += a;
        s->n -= a + b;
        return true;
}

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

static bool container_id_ok(struct span id) {
        if (id.n < ID_MIN || id.n > ID_MAX)
                return false;
        for (size_t i = 0; i < id.n; i++)
                if (!is_hex(id.p[i]))
                        return false;
        return true;
}

static bool pod_uid_ok(struct span u) {
        size_t hex = 0;
        if (u.n == 0 || u.n > UID_MAX_LEN)
                return false;
        for (size_t i = 0; i < u.n; i++) {
                if (is_hex(u.p[i]))
                        hex++;
                else if (u.p[i] != '-' && u.p[i] != '_')
                        return false;
        }
        return hex >= 8;
}

static void set_container(struct cgroup_identity *ret, const char *runtime, struct span id) {
        strncpy(ret->runtime, runtime, sizeof(ret->runtime) - 1);
        ret->runtime[sizeof(ret->runtime) - 1] = '\0';
        memcpy(ret->container_id, id.p, id.n);
        ret->container_id[id.n] = '\0';
}

static void set_pod(struct cgroup_identity *ret, struct span uid, const char *qos) {
        for (size_t i = 0; i < uid.n; i++)
                ret->pod_uid[i] = uid.p[i] == '_' ? '-' : uid.p[i];
        ret->pod_uid[uid.n] = '\0';
        strncpy(ret->qos, qos, sizeof(ret->qos) - 1);
        ret->qos[sizeof(ret->qos) - 1] = '\0';
}

/* kubepods-podUID.slice, kubepods-QOS-podUID.slice */
static bool systemd_pod(struct span c, struct cgroup_identity *ret) {
        const char *qos = "guaranteed";
        if (!span_strip(&c, "kubepods-", ".slice"))
                return false;
        for (size_t i = 0; i < sizeof(qos_names) / sizeof(qos_names[0]); i++) {
                size_t n = strlen(qos_names[i]);
                if (c.n > n && memcmp(c.p, qos_names[i], n) == 0 && c.p[n] == '-') {
                        qos = qos_names[i];
                        c.p += n + 1, c.n -= n + 1;
                        break;
                }
        }
        if (!span_strip(&c, "pod", "") || !pod_uid_ok(c))
                return false;
        set_pod(ret, c, qos);
        return true;
}

/* .../kubepods/podUID or .../kubepods/QOS/podUID */
static bool cgroupfs_pod(struct span c, struct span parent, struct span grand, struct cgroup_identity *ret) {
        const char *qos = NULL;
        if (!span_strip(&c, "pod", "") || !pod_uid_ok(c))
                return false;
        if (span_is(parent, "kubepods"))
                qos = "guaranteed";
        for (size_t i = 0; !qos && i < sizeof(qos_names) / sizeof(qos_names[0]); i++)
                if (span_is(parent, qos_names[i]) && span_is(grand, "kubepods"))
                        qos = qos_names[i];
        if (!qos)
                return false;
        set_pod(ret, c, qos);
        return true;
}

static bool container_by_name(struct span c, struct span parent, bool parent_is_pod, struct cgroup_identity *ret) {
        for (size_t i = 0; i < sizeof(name_rules) / sizeof(name_rules[0]); i++) {
                struct span id = c;
                if (span_strip(&id, name_rules[i].prefix, name_rules[i].suffix) && container_id_ok(id)) {
                        set_container(ret, name_rules[i].runtime, id);
                        return true;
                }
        }
        for (size_t i = 0; i < sizeof(parent_rules) / sizeof(parent_rules[0]); i++)
                if (span_is(parent, parent_rules[i].parent) && container_id_ok(c)) {
                        set_container(ret, parent_rules[i].runtime, c);
                        return true;
                }
        if (parent_is_pod && container_id_ok(c)) { /* cgroupfs pod: the runtime does not say */
                set_container(ret, "", c);
                return true;
        }
        return false;
}

/* "kubepods-burstable-podUID.slice:cri-containerd:ID" */
static bool colon_form(struct span c, struct cgroup_identity *ret) {
        static const char mark[] = ":cri-containerd:";
        const char *m = memmem(c.p, c.n, mark, sizeof(mark) - 1);
        if (!m)
                return false;
        struct span slice = { c.p, (size_t)(m - c.p) };
        struct span id = { m + sizeof(mark) - 1, c.n - (size_t)(m - c.p) - (sizeof(mark) - 1) };
        if (!container_id_ok(id))
                return false;
        set_container(ret, "containerd", id);
        (void)systemd_pod(slice, ret);
        return true;
}

/* The next component of [*p, end): false at the end. */
static bool next_component(const char **p, const char *end, struct span *ret) {
        while (*p < end && **p == '/')
                (*p)++;
        if (*p == end)
                return false;
        const char *s = *p;
        while (*p < end && **p != '/')
                (*p)++;
        *ret = (struct span){ s, (size_t)(*p - s) };
        return true;
}

bool cgroup_identity_parse(const char *path, struct cgroup_identity *ret) {
        struct cgroup_identity id = { 0 };
        struct span c, parent = { "", 0 }, grand = { "", 0 };
        bool parent_is_pod = false;
        memset(ret, 0, sizeof(*ret));
        if (!path)
                return false;
        const char *p = path, *end = path + strlen(path);
        while (next_component(&p, end, &c)) {
                if (span_is(c, ".") || span_is(c, ".."))
                        return false;
                bool is_pod = false;
                if (c.n <= NAME_MAX_LEN) {
                        is_pod = systemd_pod(c, &id) || cgroupfs_pod(c, parent, grand, &id);
                        if (!is_pod && !colon_form(c, &id))
                                (void)container_by_name(c, parent, parent_is_pod, &id);
                }
                grand = parent, parent = c, parent_is_pod = is_pod;
        }
        *ret = id;
        return id.container_id[0] || id.pod_uid[0];
}
