/* Loading the policy: at start and on SIGHUP (a bad file keeps the
 * running policy). --check-config prints errors itself (main.c). */
#include <string.h>

#include "reload.h"
#include "outputs/log.h"
#include "outputs/notify.h"
#include "policy/builtin_policy.h"
#include "policy/config.h"

int load_policy(const char *path, struct policy *ret) {
        struct config_errors errors = { 0 };
        int r = config_load(path, ret, &errors);
        for (size_t i = 0; i < errors.n; i++)
                log_error("%s", errors.msgs[i]);
        for (size_t i = 0; i < errors.n_warnings; i++)
                log_warning("%s", errors.warnings[i]);
        if (errors.dropped)
                log_error("%s: %zu more errors not shown", path, errors.dropped);
        if (r < 0 && errors.n == 0 && !errors.dropped) /* out of memory for the message itself */
                log_error("%s: cannot load: %s", path, strerror(-r));
        config_errors_free(&errors);
        return r;
}

void reload_policy(struct guard *g, const char *path) {
        struct policy fresh;
        notify_reloading();
        if (!path) { /* sidecar mode's built-in policy: nothing to read again */
                log_event(LOG_NOTICE, MSGID_RELOAD, NULL, 0, "reload: the %s has no file to read again",
                          BUILTIN_POLICY_NAME);
                notify_ready();
                return;
        }
        int r = load_policy(path, &fresh);
        if (r == 0 && g->sidecar && sidecar_confine_logged(g->sidecar, &fresh) < 0) {
                policy_free(&fresh); /* the running policy stays */
                r = -EINVAL;
        }
        if (r < 0)
                log_event(LOG_ERR, MSGID_RELOAD, NULL, 0, "reload of %s failed; keeping the running policy", path);
        else {
                guard_set_policy(g, &fresh);
                log_event(LOG_NOTICE, MSGID_RELOAD, NULL, 0, "reloaded %s: %zu cgroup rules, %zu cgroups watched", path,
                          g->policy.n_cgroups, g->cgroups.n);
        }
        notify_ready();
}
