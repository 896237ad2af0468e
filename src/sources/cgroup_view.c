/* Membership in a cgroup by its /proc view (sources/cgroup_view.h). Pure:
 * the kill path's scope check calls it. */
#include <string.h>

#include "sources/cgroup_view.h"
#include "util.h"

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
