/* /proc/PID/cgroup views: mapped into the mounts, and membership by a
 * view (see sources/cgroup_view.h). */
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

/* Membership by view: pure, the kill path's scope check calls it. */
bool cgroup_view_canonical(const char *view) {
        if (view[0] != '/')
                return false;
        if (view[1] == '\0')
                return true;
        bool names = false; /* past the leading ".." run */
        for (const char *c = view; *c;) {
                const char *s = c + 1;
                size_t n = strcspn(s, "/");
                if (n == 0)
                        return false; /* "//" or a trailing "/" */
                bool up = n == 2 && s[0] == '.' && s[1] == '.';
                if ((n == 1 && s[0] == '.') || (up && names))
                        return false;
                names |= !up;
                c = s + n;
        }
        return true;
}

bool cgroup_view_within(const char *view, const char *scope) {
        if (!cgroup_view_canonical(scope) || view[0] != '/')
                return false;
        if (strcmp(scope, "/") == 0)
                return !path_has_dot_component(view);
        size_t n = strlen(scope);
        if (strncmp(view, scope, n) != 0 || (view[n] != '\0' && view[n] != '/'))
                return false;
        return !path_has_dot_component(view + n);
}

int cgroup_view_rel(const char *view, const char *prefix, char *ret, size_t size) {
        const char *rest = view;
        if (prefix && *prefix && strcmp(prefix, "/") != 0) {
                if (!cgroup_view_within(view, prefix))
                        return -EXDEV;
                rest = view[strlen(prefix)] ? view + strlen(prefix) : "/";
        } else if (view[0] != '/' || path_has_dot_component(view))
                return -EXDEV;
        size_t n = strlen(rest);
        if (n >= size)
                return -ENAMETOOLONG;
        memmove(ret, rest, n + 1);
        return 0;
}
