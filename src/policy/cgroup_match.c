/* Which [cgroup:NAME] rule owns a cgroup: the first whose glob matches.
 * Pure: no I/O, no allocation. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "policy/cgroup_match.h"

static const char *skip_slashes(const char *s) {
        while (*s == '/')
                s++;
        return s;
}

static const char *next_component(const char *s) { return skip_slashes(s + strcspn(s, "/")); }

static bool is_globstar(const char *g) { return g[0] == '*' && g[1] == '*' && (g[2] == '/' || g[2] == '\0'); }

/* One component of the glob against one of the path (both end at '/'
 * or '\0'); a component longer than NAME_MAX matches nothing. */
static bool component_matches(const char *g, const char *p) {
        char gc[256], pc[256];
        size_t gn = strcspn(g, "/"), pn = strcspn(p, "/");
        if (gn >= sizeof(gc) || pn >= sizeof(pc))
                return false;
        snprintf(gc, sizeof(gc), "%.*s", (int)gn, g);
        snprintf(pc, sizeof(pc), "%.*s", (int)pn, p);
        return fnmatch(gc, pc, 0) == 0;
}

/* g and p start at a component (or at '\0'). "**" is any number of whole
 * components; a glob that ends in it wants at least one. The recursion
 * is as deep as the glob has "**" components. */
static bool components_match(const char *g, const char *p) {
        while (*g) {
                if (is_globstar(g)) {
                        const char *rest = next_component(g);
                        while (is_globstar(rest)) /* two globstars in a row are one: no recursion each */
                                rest = next_component(rest);
                        if (!*rest)
                                return *p != '\0';
                        for (const char *q = p;; q = next_component(q)) {
                                if (components_match(rest, q))
                                        return true;
                                if (!*q)
                                        return false;
                        }
                }
                if (!*p || !component_matches(g, p))
                        return false;
                g = next_component(g);
                p = next_component(p);
        }
        return *p == '\0';
}

bool cgroup_glob_match(const char *glob, const char *path) {
        if (strcmp(glob, path) == 0)
                return true; /* a plain path matches itself, even with '[' in it */
        if (!strstr(glob, "**"))
                return fnmatch(glob, path, FNM_PATHNAME) == 0;
        if ((*glob == '/') != (*path == '/'))
                return false;
        return components_match(skip_slashes(glob), skip_slashes(path));
}

int policy_match_cgroup(const struct policy *p, const char *rel_path) {
        for (size_t i = 0; i < p->n_cgroups; i++)
                if (cgroup_glob_match(p->cgroups[i].path_glob, rel_path))
                        return (int)i;
        return -1;
}
