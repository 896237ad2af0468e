/* Which [cgroup:NAME] rule owns a cgroup: the first whose glob matches. */
#include <fnmatch.h>

#include "policy/cgroup_match.h"

int policy_match_cgroup(const struct policy *p, const char *rel_path) {
        for (size_t i = 0; i < p->n_cgroups; i++)
                if (fnmatch(p->cgroups[i].path_glob, rel_path, FNM_PATHNAME) == 0)
                        return (int)i;
        return -1;
}
