/* The guard's own memory cgroup as its container sees it (see
 * sources/self_cgroup.h). Read once at start (mountinfo into one buffer
 * allocated for it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/cgroup_namespace.h"
#include "sources/kv.h"
#include "sources/mountinfo.h"
#include "sources/proc_pid.h"
#include "sources/self_cgroup.h"
#include "util.h"

static bool above_namespace(const char *mount_root) {
        return strcmp(mount_root, "/..") == 0 || strncmp(mount_root, "/../", 4) == 0;
}

int self_cgroup_resolve(const char *proc_view, const char *mount_root, char *ret, size_t size) {
        if (!mount_root || !*mount_root)
                mount_root = "/";
        if (above_namespace(mount_root) || above_namespace(proc_view))
                return -EXDEV;
        if (proc_view[0] != '/' || mount_root[0] != '/' || !path_within(proc_view, mount_root))
                return -ENOENT;
        const char *rest = strcmp(mount_root, "/") == 0 ? proc_view : proc_view + strlen(mount_root);
        if (!*rest)
                rest = "/";
        if (strlen(rest) >= size)
                return -ENAMETOOLONG;
        strcpy(ret, rest);
        return 0;
}

static bool dir_exists(const char *mount, const char *rel) {
        char path[PATH_MAX];
        struct stat st;
        return path_join(path, sizeof(path), mount, rel) == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

uint64_t cgroup_own_limit(const struct cgroup_mounts *m, const char *rel) {
        char dir[PATH_MAX], buf[64];
        bool v1 = m->memory_version == CGROUP_V1;
        uint64_t v;
        if (path_join(dir, sizeof(dir), m->memory_mount, rel) < 0)
                return BYTES_UNLIMITED;
        ssize_t n = read_file_at(dir, v1 ? "memory.limit_in_bytes" : "memory.max", buf, sizeof(buf));
        if (n <= 0 || parse_u64_or_max(buf, (size_t)n, &v) < 0)
                return BYTES_UNLIMITED; /* the root of a v2 host has no memory.max */
        return v1 ? memcg_v1_normalize_limit(v) : v;
}

/* The host's tree mounted in a cgroup namespace of our own: our
 * namespace's root found in it (sources/cgroup_namespace.h), after which
 * /proc's views, ours too, read as paths in the mount. -EXDEV when it
 * is not found. */
static int find_in_host_tree(const char *root, const struct cgroup_mounts *m, struct self_cgroup *ret) {
        char ns_root[PATH_MAX];
        int r = cgroupns_map_mount(root, m->memory_mount, ret->controller, ns_root, sizeof(ns_root));
        if (r <= 0)
                return r == 0 || r == -ENOENT ? -EXDEV : r; /* not found: which is ours cannot be told */
        r = read_proc_cgroup(root, getpid(), ret->controller, ret->proc_view, sizeof(ret->proc_view));
        if (r < 0)
                return r;
        if (!dir_exists(m->memory_mount, ret->proc_view))
                return -ENOENT;
        strcpy(ret->rel, ret->proc_view);
        ret->how = "searching the host's tree mounted here for our cgroup namespace's root";
        ret->limit = cgroup_own_limit(m, ret->rel);
        return 0;
}

int self_cgroup_find(const char *root, const struct cgroup_mounts *m, struct self_cgroup *ret) {
        *ret = (struct self_cgroup){ .limit = BYTES_UNLIMITED };
        ret->controller = m->memory_version == CGROUP_V1 ? "memory" : NULL;
        int r = read_proc_cgroup(root, getpid(), ret->controller, ret->proc_view, sizeof(ret->proc_view));
        if (r < 0)
                return r;
        r = mountinfo_root_of(root, m->memory_mount, ret->mount_root, sizeof(ret->mount_root));
        if (r < 0)
                return r;
        if (above_namespace(ret->mount_root))
                return find_in_host_tree(root, m, ret);
        r = self_cgroup_resolve(ret->proc_view, ret->mount_root, ret->rel, sizeof(ret->rel));
        if (r < 0)
                return r;
        ret->how = strcmp(ret->mount_root, "/") == 0 ? "/proc/self/cgroup" : "/proc/self/cgroup below the mount's root";
        if (!dir_exists(m->memory_mount, ret->rel)) {
                /* The host's path, in a bind mount of our own directory
                 * whose mountinfo root is "/": the mount root is ours. */
                if (strcmp(ret->mount_root, "/") != 0 || strcmp(ret->proc_view, "/") == 0)
                        return -ENOENT;
                strcpy(ret->rel, "/");
                ret->how = "the mount's root (our /proc/self/cgroup path is not in the mount)";
        }
        ret->limit = cgroup_own_limit(m, ret->rel);
        /* proc_view = proc_prefix + rel ("/" as the empty path). */
        size_t keep = strlen(ret->proc_view) - (strcmp(ret->rel, "/") == 0 ? 0 : strlen(ret->rel));
        snprintf(ret->proc_prefix, sizeof(ret->proc_prefix), "%.*s", (int)keep, ret->proc_view);
        if (strcmp(ret->proc_prefix, "/") == 0)
                ret->proc_prefix[0] = '\0';
        return 0;
}

bool self_cgroup_is_container(const struct self_cgroup *s) {
        return strcmp(s->rel, "/") == 0 && s->limit != BYTES_UNLIMITED;
}

static void add_sign(char *buf, size_t size, const char *sign) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s%s", n ? ", " : "", sign);
}

/* PID 1's "container=" (readable by root or PID 1's user only). */
static bool pid1_container_env(const char *root, char *val, size_t size) {
        char env[8192];
        ssize_t n = read_file_at(root, "/proc/1/environ", env, sizeof(env));
        for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(env + i) + 1)
                if (strncmp(env + i, "container=", 10) == 0) {
                        snprintf(val, size, "%s", env + i + 10);
                        return true;
                }
        return false;
}

void container_signs(const char *root, char *buf, size_t size) {
        static const char *const files[] = { "/run/systemd/container", "/.dockerenv", "/run/.containerenv" };
        char path[PATH_MAX], val[64], sign[128];
        struct stat st;
        buf[0] = '\0';
        if (pid1_container_env(root, val, sizeof(val))) {
                snprintf(sign, sizeof(sign), "PID 1 has container=%s", val);
                add_sign(buf, size, sign);
        }
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                if (path_join(path, sizeof(path), root, files[i]) == 0 && stat(path, &st) == 0)
                        add_sign(buf, size, files[i]);
        if (getenv("KUBERNETES_SERVICE_HOST"))
                add_sign(buf, size, "KUBERNETES_SERVICE_HOST set");
}
