/* Choosing the victim of a decision: the same for the real and the
 * dry-run actuator, so a dry run names the process a real run would kill. */
#include <stdio.h>
#include <string.h>

#include "actions/actuator.h"
#include "util.h"

void action_victim_policy(const struct action_ctx *ctx, const struct decision *d, struct victim_policy *ret) {
        const struct daemon_settings *s = ctx->settings;
        *ret = (struct victim_policy){
                .root = ctx->root,
                .protect = { &s->protect, &d->rule->protect },
                .prefer = { &s->prefer, &d->rule->prefer },
                .avoid = { &s->avoid, &d->rule->avoid },
                .self = ctx->self,
                .cgroup_controller = ctx->mounts && ctx->mounts->memory_version == CGROUP_V1 ? "memory" : NULL,
        };
        if (d->cgroup)
                ret->cgroup_rel = d->cgroup->path, ret->cgroup_proc_prefix = ctx->cgroup_proc_prefix;
        if (d->cgroup)
                ret->scope_bytes = d->cgroup->stats.limit != BYTES_UNLIMITED && d->cgroup->stats.limit
                                           ? d->cgroup->stats.limit
                                           : ctx->machine_bytes;
}

const char *action_cgroup_dir(const struct action_ctx *ctx, const struct decision *d, char *buf, size_t size) {
        if (!d->cgroup || !ctx->mounts)
                return NULL;
        return path_join(buf, size, ctx->mounts->memory_mount, d->cgroup->path) == 0 ? buf : NULL;
}

int action_choose_victim(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep) {
        struct victim_policy vp;
        char dir[4096];
        action_victim_policy(ctx, d, &vp);
        const char *cg = action_cgroup_dir(ctx, d, dir, sizeof(dir));
        if (d->cgroup && !cg)
                return -ENAMETOOLONG;
        uint64_t t0 = now_ns();
        int r = ctx->ranking ? ranking_choose(ctx->ranking, &vp, t0, ctx->births, ctx->read_used, ctx->used_ud,
                                              &rep->victim, &rep->search)
                             : -EAGAIN;
        if (r == -EAGAIN)
                r = victim_choose_top(&vp, cg, &rep->victim, &rep->search, rep->candidates, ACTION_CANDIDATES_MAX,
                                      &rep->n_candidates);
        else if (r == 0)
                rep->n_candidates = ranking_candidates(ctx->ranking, rep->candidates, ACTION_CANDIDATES_MAX);
        rep->choose_ns = now_ns() - t0;
        if (r == 0)
                rep->has_victim = true;
        else
                snprintf(rep->outcome, sizeof(rep->outcome), "no victim: %s",
                         r == -ESRCH ? "no eligible process" : strerror(-r));
        return r;
}
