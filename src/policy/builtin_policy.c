/* Sidecar mode's built-in policy and the confinement of any policy to the
 * container (policy/builtin_policy.h). Not the hot path: loaded at start. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/builtin_policy.h"
#include "policy/matcher.h"
#include "policy_internal.h"

/* Modelled on etc/oomguard.conf's [cgroup:limits], for one cgroup whose
 * limit is the whole budget: the kernel kills at 100 %, so the working
 * set alone decides (no "thresholds = all" with PSI: a full-speed hog
 * fills a container before a PSI window closes). At 90 %, not the
 * shipped 95 %: oomguard is in the cgroup, and what its own kill path
 * needs (the kernel's memory for the /proc reads, charged to the same
 * limit) must fit before the hog takes the rest (tests/t-live-sidecar.sh,
 * full-speed hogs: at 95 % the kernel won about one race in 15, at 90 %
 * none of 88 at a load of 1-3 and one of 44 at 5). No oom_handler: oomguard would wait in its own OOM with the others
 * (actions/optin_oom.c refuses it there). The tripwire on v2 only, where
 * memory.high exists; start-up says when it is not writable. Reports go
 * to /tmp (a container's /var/lib is rarely writable), bounded; no metrics
 * file (nobody reads it in a container: the log is the record). */
static const char builtin_head[] =
        "; oomguard --sidecar: the built-in policy (oomguard(8), SIDECAR)\n"
        "[daemon]\n"
        "report_dir = " BUILTIN_REPORT_DIR
        "\n"
        "report_max_files = 20\n"
        "report_max_bytes = 4M\n"
        "metrics_file =\n"
        "\n"
        "[cgroup:container]\n"
        "path = /\n"
        "usage_above = 90%\n"
        "action = kill\n"
        "supervisor_first = yes\n"
        "reclaim_first = yes\n"
        "warn_failcnt_rate = 10/s\n"
        "warn_oom_rate = any\n"
        "leak_warn_within = 24h\n"
        "leak_window = 6h\n";
/* v2 only: v1 has no memory.high (the loader would warn). */
static const char builtin_v2[] = "tripwire = 98%\n";
static const char builtin_supervisor[] =
        "\n"
        "; every parent in the container: refuse a restart loop\n"
        "[supervisor:container]\n"
        "match = cgroup:";
static const char builtin_tail[] =
        "\n"
        "max_restarts = 5\n"
        "window = 60s\n"
        "restart_action = stop\n"
        "zombies_above = 100\n"
        "zombie_action = warn\n";

/* Escapes fnmatch's special characters so that a path matches itself. */
static int escape_glob(const char *s, char *buf, size_t size) {
        size_t o = 0;
        for (; *s; s++) {
                bool special = strchr("*?[]\\", *s) != NULL;
                if (o + 1 + special >= size)
                        return -ENAMETOOLONG;
                if (special)
                        buf[o++] = '\\';
                buf[o++] = *s;
        }
        buf[o] = '\0';
        return 0;
}

int builtin_policy_text(const char *proc_view, bool v2, char *buf, size_t size) {
        char glob[PATH_MAX * 2];
        if (strpbrk(proc_view, ";#\n\r") || proc_view[0] != '/')
                return -EINVAL; /* INI would cut it, or it is not a path */
        if (escape_glob(proc_view, glob, sizeof(glob)) < 0)
                return -ENOBUFS;
        /* A view out of our cgroup namespace ("/../app") is matched only
         * literally (policy/matcher.h); one that needed escaping, or is
         * no container's ("/.."), cannot be: no supervisor rule then,
         * rather than a policy that fails to load. */
        bool literal = !path_has_dot_component(proc_view) ||
                       (strcmp(glob, proc_view) == 0 && matcher_cgroup_path_ok(proc_view));
        int n = snprintf(buf, size, "%s%s%s%s%s", builtin_head, v2 ? builtin_v2 : "", literal ? builtin_supervisor : "",
                         literal ? glob : "", literal ? builtin_tail : "");
        return n < 0 || (size_t)n >= size ? -ENOBUFS : 0;
}

int builtin_policy_load(const char *proc_view, bool v2, struct policy *ret, struct config_errors *errors) {
        size_t size = sizeof(builtin_head) + sizeof(builtin_v2) + sizeof(builtin_supervisor) + sizeof(builtin_tail) +
                      2 * PATH_MAX;
        char *text = malloc(size);
        if (!text)
                return -ENOMEM;
        int r = builtin_policy_text(proc_view, v2, text, size);
        FILE *f = r == 0 ? fmemopen(text, strlen(text), "r") : NULL;
        if (r == 0 && !f)
                r = -errno;
        if (f) {
                r = config_load_stream(f, BUILTIN_POLICY_NAME, ret, errors);
                fclose(f);
        }
        free(text);
        return r;
}

int confine_glob(const char *own_rel, const char *glob, char *buf, size_t size) {
        if (strcmp(own_rel, "/") == 0) {
                if (strlen(glob) >= size)
                        return -ENAMETOOLONG;
                strcpy(buf, glob);
                return 0;
        }
        int r = escape_glob(own_rel, buf, size);
        if (r < 0)
                return r;
        size_t n = strlen(buf);
        if (strcmp(glob, "/") == 0)
                return 0; /* the cgroup itself */
        if (n + strlen(glob) >= size)
                return -ENAMETOOLONG;
        strcpy(buf + n, glob);
        return 0;
}

static int confine_rule(struct rule *r, const char *own_rel, struct confine_result *ret) {
        char glob[PATH_MAX * 2 + 8];
        int e = confine_glob(own_rel, r->path_glob, glob, sizeof(glob));
        if (e < 0)
                return e;
        if (strcmp(glob, r->path_glob) == 0)
                return 0;
        char *copy = strdup(glob);
        if (!copy)
                return -ENOMEM;
        free(r->path_glob);
        r->path_glob = copy;
        ret->prefixed++;
        return 0;
}

int sidecar_confine(struct policy *p, const char *own_rel, struct confine_result *ret) {
        *ret = (struct confine_result){ 0 };
        if (p->has_global) {
                ret->dropped_global = true;
                ret->global_line = p->global.line;
                rule_free(&p->global);
                p->has_global = false;
        }
        for (size_t i = 0; i < p->n_adjust; i++)
                adjust_rule_free(&p->adjust[i]);
        ret->dropped_adjust = p->n_adjust;
        p->n_adjust = 0;
        for (size_t i = 0; i < p->n_cgroups; i++) {
                int r = confine_rule(&p->cgroups[i], own_rel, ret);
                if (r < 0)
                        return r;
        }
        return 0;
}
