/* /proc/PID/cgroup views mapped into the mounts (see sources/cgroup_view.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sources/cgroup_view.h"
#include "util.h"

static struct cgroup_view {
        char controller[16]; /* "" = cgroup2 */
        char ns_root[PATH_MAX];
} views[CGROUP_VIEWS_MAX];
static size_t n_views;

static struct cgroup_view *find(const char *controller) {
        const char *key = controller ? controller : "";
        for (size_t i = 0; i < n_views; i++)
                if (strcmp(views[i].controller, key) == 0)
                        return &views[i];
        return NULL;
}

int cgroup_view_set(const char *controller, const char *ns_root) {
        struct cgroup_view *v = find(controller);
        if (!v && n_views == CGROUP_VIEWS_MAX)
                return -ENOSPC;
        const char *key = controller ? controller : "";
        if (strlen(key) >= sizeof(v->controller) || strlen(ns_root) >= sizeof(v->ns_root))
                return -ENAMETOOLONG;
        if (!v)
                v = &views[n_views++];
        strcpy(v->controller, key);
        strcpy(v->ns_root, ns_root);
        return 0;
}

void cgroup_views_clear(void) { n_views = 0; }

int cgroup_view_map(const char *controller, char *path, size_t size) {
        const struct cgroup_view *v = n_views ? find(controller) : NULL;
        return v ? path_resolve(v->ns_root, path, path, size) : 0;
}

const char *cgroup_view_root(const char *controller) {
        const struct cgroup_view *v = find(controller);
        return v ? v->ns_root : NULL;
}
