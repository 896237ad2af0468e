/* Sidecar mode: which cgroup, which policy, what cannot be done (see
 * sidecar.h). Start-up and reload only: allocates, logs. */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "guard.h"
#include "outputs/log.h"
#include "policy/builtin_policy.h"
#include "sidecar.h"
#include "sources/cgroup_view.h"
#include "sources/proc_pid.h"

int sidecar_detect(const char *root, bool asked, bool may_choose, const char *default_config, struct sidecar *ret) {
        *ret = (struct sidecar){ 0 };
        snprintf(ret->default_config, sizeof(ret->default_config), "%s", default_config);
        if (!asked && !may_choose)
                return 0;
        struct cgroup_mounts m;
        int r = cgroup_mounts_discover(root, &m);
        if (r == 0)
                r = self_cgroup_find(root, &m, &ret->self);
        if (r < 0 && !asked)
                return 0;
        if (r == -EXDEV)
                return log_error_errno(r,
                                       "--sidecar: the memory hierarchy at %s is rooted above this cgroup "
                                       "namespace (%s) and our cgroup is not found in it: cannot tell which "
                                       "cgroup is ours; mount it afresh inside the container",
                                       m.memory_mount, ret->self.mount_root);
        if (r < 0)
                return log_error_errno(r, "--sidecar: cannot find our own memory cgroup: %m");
        if (!asked && !self_cgroup_is_container(&ret->self))
                return 0; /* a host: the usual daemon */
        ret->automatic = !asked;
        container_signs(root, ret->signs, sizeof(ret->signs));
        return 1;
}

int sidecar_confine_logged(const struct sidecar *s, struct policy *p) {
        struct confine_result c;
        int r = sidecar_confine(p, s->self.rel, &c);
        if (r < 0)
                return log_error_errno(r, "sidecar: cannot confine the policy: %m");
        if (c.dropped_global)
                log_warning(
                        "sidecar: %s:%d: [global] ignored: it acts on the whole machine, and a sidecar only on "
                        "its container",
                        p->source_file, c.global_line);
        if (c.dropped_adjust)
                log_warning(
                        "sidecar: %s: %zu [adjust:] rules ignored: they would set oom_score_adj on any process "
                        "this pid namespace shows",
                        p->source_file, c.dropped_adjust);
        if (c.prefixed && !s->builtin)
                log_info("sidecar: %zu [cgroup:] paths taken relative to our cgroup %s", c.prefixed, s->self.rel);
        if (p->n_cgroups == 0 && p->n_supervisors == 0)
                return log_error_errno(-EINVAL,
                                       "sidecar: %s has no [cgroup:] or [supervisor:] rule: nothing to "
                                       "guard the container with",
                                       p->source_file);
        return 0;
}

int sidecar_builtin_policy(const struct sidecar *s, struct policy *ret) {
        struct config_errors e = { 0 };
        int r = builtin_policy_load(s->self.proc_view, s->self.controller == NULL, ret, &e);
        for (size_t i = 0; i < e.n; i++) /* cannot happen but for a path INI cannot carry */
                log_error("%s", e.msgs[i]);
        config_errors_free(&e);
        if (r < 0)
                log_error("sidecar: cannot load the %s for %s: %s", BUILTIN_POLICY_NAME, s->self.proc_view,
                          strerror(-r));
        return r;
}

bool sidecar_owns(const struct sidecar *s, const char *root, pid_t pid) {
        char path[PATH_MAX];
        return read_proc_cgroup(root, pid, s->self.controller, path, sizeof(path)) == 0 &&
               cgroup_view_within(path, s->self.proc_view); /* an app's "/../app" too */
}
