/* v1 oom_handler: the kernel's OOM killer off for the cgroup, oomguard
 * woken by its OOM event and acting on it; given back to the kernel when
 * oomguard cannot bring relief (see actions/optin.h). */
#include <stdio.h>
#include <string.h>

#include "optin_internal.h"
#include "outputs/log.h"
#include "sources/triggers.h"

static int oom_control_path(const struct optin_ctx *c, const struct watched_cgroup *w, char *dir, char *path) {
        if (!c->mounts)
                return -ENOENT;
        int r = path_join(dir, 4096, c->mounts->memory_mount, w->path);
        return r < 0 ? r : path_join(path, 4096, dir, "memory.oom_control");
}

/* Registered before disabling: without the event nobody would act. */
static void take(struct optin_state *s, const struct optin_ctx *c, struct watched_cgroup *w,
                 const struct memcg_stats *st) {
        char dir[4096], path[4096];
        w->optin_refused = true; /* until it worked */
        if (st->oom_kill_disable) {
                log_info("cgroup %s: oom_kill_disable is set already, not by oomguard: not taking over", w->path);
                return;
        }
        if (c->self_cgroup && c->self_cgroup[0] && path_within(c->self_cgroup, w->path)) {
                log_info(
                        "cgroup %s: holds oomguard itself: its OOM killer stays the kernel's (oomguard would "
                        "wait in the OOM with the others)",
                        w->path);
                return;
        }
        if (oom_control_path(c, w, dir, path) < 0)
                return;
        int efd = memcg_v1_oom_event_arm(dir);
        if (efd < 0) {
                log_warning("cgroup %s: cannot register for its OOM event: %s; the kernel's OOM killer stays on",
                            w->path, strerror(-efd));
                return;
        }
        int r = optin_record(s, RESTORE_OOM_KILL_DISABLE, path, "0", "1");
        if (r >= 0 && (r = write_file_at("/", path, "1")) < 0) {
                log_warning("cgroup %s: cannot write oom_kill_disable: %s", w->path, strerror(-r));
                (void)optin_put_back(s, RESTORE_OOM_KILL_DISABLE, path, "write failed"); /* drops it */
        }
        if (r < 0) {
                close(efd);
                return;
        }
        w->oom_fd = efd;
        w->oom_handled = true;
        w->optin_refused = false;
        w->oom_since_ns = w->oom_gave_up_ns = 0;
        log_info("cgroup %s: oomguard is its OOM handler (oom_kill_disable = 1)", w->path);
}

void optin_oom_give_up(struct optin_state *s, const struct optin_ctx *c, size_t i, const char *why) {
        struct watched_cgroup *w = &c->cgroups->items[i];
        char dir[4096], path[4096], rule[128];
        if (!w->oom_handled || oom_control_path(c, w, dir, path) < 0)
                return;
        (void)optin_put_back(s, RESTORE_OOM_KILL_DISABLE, path, "handed to the kernel");
        close(w->oom_fd);
        w->oom_fd = -1;
        w->oom_handled = false;
        w->oom_since_ns = 0;
        w->oom_gave_up_ns = now_ns();
        snprintf(rule, sizeof(rule), "%s", c->policy->cgroups[w->rule_index].name);
        const struct log_field fields[] = { { "OOMGUARD_RULE", rule },
                                            { "OOMGUARD_CGROUP", w->path },
                                            { "OOMGUARD_OUTCOME", "handed to the kernel's OOM killer" } };
        log_event(LOG_WARNING, MSGID_ACTION, fields, ELEMENTSOF(fields),
                  "rule %s on %s: under OOM and %s: oom_kill_disable = 0, the kernel's OOM killer takes over", rule,
                  w->path, why);
}

void optin_oom_tick(struct optin_state *s, const struct optin_ctx *c, size_t i, uint64_t now) {
        struct watched_cgroup *w = &c->cgroups->items[i];
        const struct memcg_stats *st = &c->cgroups->views[i].stats;
        if (!w->oom_handled) {
                /* A cgroup without a limit of its own has no OOM of its own:
                 * left to the kernel (taken when it gets a limit). */
                if (st->limit == BYTES_UNLIMITED)
                        return;
                bool resting = w->oom_gave_up_ns && (st->oom || now - w->oom_gave_up_ns < OPTIN_OOM_RETAKE_NS);
                if (!w->optin_refused && !resting)
                        take(s, c, w, st);
                return;
        }
        if (!st->oom) {
                w->oom_since_ns = 0;
                return;
        }
        if (!w->oom_since_ns)
                w->oom_since_ns = now;
        else if (now - w->oom_since_ns >= OPTIN_OOM_GIVE_UP_NS)
                optin_oom_give_up(s, c, i, "no relief within 1 s");
}
