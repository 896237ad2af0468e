/* The narrow contexts of the stages (see context.h). */
#include "actions/supervisor_act.h"
#include "context.h"

const struct actuator *context_actuator(const struct guard *g) {
        return (g->force_dry_run || g->policy.daemon.dry_run) ? &actuator_dry_run : &actuator_real;
}

bool context_acts_for_real(const struct guard *g) { return context_actuator(g) == &actuator_real; }

static const char *cgroup_controller(const struct guard *g) {
        return g->has_mounts && g->mounts.memory_version == CGROUP_V1 ? "memory" : NULL;
}

/* supervisor_first asks the restart tracker; a kill tells it. */
static bool victim_parent_restarted(pid_t pid, uint64_t start, void *ud) {
        struct guard *g = ud;
        return supervise_restarted(&g->supervise, pid, start);
}

static void victim_killed(const struct victim *v, void *ud) {
        struct guard *g = ud;
        supervise_on_kill(&g->supervise, g->root, v->ppid, v->comm, now_ns());
}

void context_action(struct guard *g, const char *wakeup, struct action_ctx *ret) {
        *ret = (struct action_ctx){ .root = g->root,
                                    .mounts = g->has_mounts ? &g->mounts : NULL,
                                    .cgroup_proc_prefix = g->sidecar ? g->sidecar->self.proc_prefix : NULL,
                                    .settings = &g->policy.daemon,
                                    .wakeup = wakeup,
                                    .self = g->self,
                                    .machine_bytes = g->snap.machine.mem.mem_total + g->snap.machine.mem.swap_total,
                                    .supervisors = g->policy.supervisors,
                                    .n_supervisors = g->policy.n_supervisors,
                                    .restarted = victim_parent_restarted,
                                    .killed = victim_killed,
                                    .restarted_ud = g,
                                    .undo = &g->optin };
}

struct optin_ctx context_optin(struct guard *g) {
        return (struct optin_ctx){ .mounts = g->has_mounts ? &g->mounts : NULL,
                                   .policy = &g->policy,
                                   .cgroups = &g->cgroups,
                                   .enabled = g->armed && g->live && context_acts_for_real(g),
                                   .self_cgroup = g->self_memcg };
}

struct rankings_ctx context_rankings(struct guard *g, const struct action_ctx *actx) {
        return (struct rankings_ctx){ .actx = actx,
                                      .policy = &g->policy,
                                      .cgroups = &g->cgroups,
                                      .mem = &g->snap.machine.mem,
                                      .hot = g->hot,
                                      .calm = g->wake.calm,
                                      .scratch = g->scratch,
                                      .scratch_size = GUARD_SCRATCH_SIZE };
}

static int act_on_finding(void *ud, const struct supervisor_finding *f) {
        struct guard *g = ud;
        if (g->sidecar && !sidecar_owns(g->sidecar, g->root, f->target.pid))
                return 0; /* a -c [supervisor:] rule named a process outside the container */
        struct action_ctx ctx;
        context_action(g, "process event", &ctx);
        ctx.report = reports_begin_action(g);
        int r = supervisor_act(&ctx, !context_acts_for_real(g), &g->pacing, f);
        if (ctx.report) { /* -EAGAIN: deferred, asked again at the next restart */
                reports_keep(g, ctx.report, r != -EAGAIN);
                reports_flush(g, true);
        }
        return r;
}

struct supervise_ctx context_supervise(struct guard *g) {
        const struct supervisor_query q = { .root = g->root,
                                            .rules = g->policy.supervisors,
                                            .n_rules = g->policy.n_supervisors,
                                            .cgroup_controller = cgroup_controller(g) };
        return (struct supervise_ctx){ .query = q, .connector = g->pc_fd >= 0, .act = act_on_finding, .act_ud = g };
}
