/* Keeping victim rankings for the scopes that may need a choice soon. */
#include <string.h>

#include "daemon/guard.h"
#include "daemon/proc_events.h"
#include "daemon/rankings.h"

static bool chooses_victims(const struct rule *r) {
        return r->action == ACTION_KILL || r->action == ACTION_STOP;
}

/* At the moment of choice, read afresh (ranking_used_fn). */
static int machine_used_now(void *ud, uint64_t *ret) {
        const struct guard *g = ud;
        struct meminfo m;
        int r = read_meminfo(g->root, &m);
        if (r < 0)
                return r;
        *ret = ranking_used_machine(&m);
        return 0;
}

static int cgroup_used_now(void *ud, uint64_t *ret) {
        const struct rank_used_ctx *c = ud;
        struct memcg_stats st;
        int r = memcg_read(c->files, c->scratch, c->size, &st);
        if (r < 0)
                return r;
        *ret = ranking_used_memcg(&st);
        return 0;
}

static double warmth(const struct cgroup_view *v) {
        if (!v->valid || v->stats.limit == BYTES_UNLIMITED || !v->stats.limit)
                return 0;
        return (double)v->stats.usage / (double)v->stats.limit;
}

/* The decision a rule would make on a scope, for its victim policy. */
static void scope_decision(const struct guard *g, int cgroup, struct decision *ret) {
        *ret = (struct decision){ .rule = &g->policy.global };
        if (cgroup >= 0) {
                ret->cgroup = &g->cgroups.views[cgroup];
                ret->rule = &g->policy.cgroups[g->cgroups.views[cgroup].rule_index];
        }
}

/* The scopes worth a ranking now: -1 (the machine) and cgroup indexes. */
static size_t wanted_scopes(const struct guard *g, int *out) {
        size_t n = 0;
        if (g->policy.has_global && chooses_victims(&g->policy.global))
                out[n++] = -1;
        while (n < RANK_SLOTS) {
                int best = -1;
                double best_w = RANK_WARM_FRACTION;
                for (size_t i = 0; i < g->cgroups.n; i++) {
                        const struct cgroup_view *v = &g->cgroups.views[i];
                        bool taken = false;
                        for (size_t j = 0; j < n; j++)
                                taken |= out[j] == (int)i;
                        if (taken || v->rule_index < 0 || !chooses_victims(&g->policy.cgroups[v->rule_index]))
                                continue;
                        if (warmth(v) >= best_w)
                                best = (int)i, best_w = warmth(v);
                }
                if (best < 0)
                        break;
                out[n++] = best;
        }
        return n;
}

static int scope_dir(const struct guard *g, int cgroup, char *buf, size_t size) {
        if (cgroup < 0) {
                buf[0] = '\0';
                return 0;
        }
        if (!g->has_mounts)
                return -ENOENT;
        return path_join(buf, size, g->mounts.memory_mount, g->cgroups.views[cgroup].path);
}

static struct ranking *slot_for(struct guard *g, const char *dir, bool create) {
        for (size_t i = 0; i < RANK_SLOTS; i++)
                if (g->rankings[i] && strcmp(g->rankings[i]->scope, dir) == 0)
                        return g->rankings[i];
        if (!create)
                return NULL;
        for (size_t i = 0; i < RANK_SLOTS; i++)
                if (!g->rankings[i]) {
                        g->rankings[i] = calloc(1, sizeof(struct ranking));
                        if (!g->rankings[i])
                                return NULL;
                        /* Fault in the choice-time scratch now (calloc may hand out untouched pages). */
                        explicit_bzero(g->rankings[i], sizeof(struct ranking));
                        snprintf(g->rankings[i]->scope, sizeof(g->rankings[i]->scope), "%s", dir);
                        return g->rankings[i];
                }
        return NULL;
}

static void free_slot(struct guard *g, size_t i) {
        if (g->rankings[i]) {
                ranking_free(g->rankings[i]);
                free(g->rankings[i]);
        }
        g->rankings[i] = NULL;
}

/* Slots whose scope is no longer wanted are freed (their memory back). */
static void drop_unwanted(struct guard *g, char dirs[][4096], size_t n) {
        for (size_t i = 0; i < RANK_SLOTS; i++) {
                if (!g->rankings[i])
                        continue;
                bool wanted = false;
                for (size_t j = 0; j < n; j++)
                        wanted |= strcmp(g->rankings[i]->scope, dirs[j]) == 0;
                if (!wanted)
                        free_slot(g, i);
        }
}

void rankings_tick(struct guard *g) {
        if (!g->live)
                return;
        int scopes[RANK_SLOTS];
        static char dirs[RANK_SLOTS][4096];
        size_t n = wanted_scopes(g, scopes);
        for (size_t i = 0; i < n; i++)
                if (scope_dir(g, scopes[i], dirs[i], sizeof(dirs[i])) < 0)
                        dirs[i][0] = '\1'; /* matches no slot */
        drop_unwanted(g, dirs, n);
        uint64_t deadline = now_ns() + RANK_TICK_BUDGET_NS;
        uint64_t gap = g->hot ? 200 * NSEC_PER_MSEC : 2 * NSEC_PER_SEC;
        for (size_t i = 0; i < n && now_ns() < deadline; i++) {
                struct ranking *rk = dirs[i][0] == '\1' ? NULL : slot_for(g, dirs[i], true);
                if (!rk)
                        continue;
                struct decision d;
                struct victim_policy vp;
                scope_decision(g, scopes[i], &d);
                struct action_ctx ctx;
                guard_action_ctx(g, "", &ctx);
                action_victim_policy(&ctx, &d, &vp);
                rk->unit_bytes = vp.scope_bytes ? vp.scope_bytes : ctx.machine_bytes;
                uint64_t used = scopes[i] < 0 ? ranking_used_machine(&g->snap.machine.mem)
                                              : ranking_used_memcg(&g->cgroups.views[scopes[i]].stats);
                (void)ranking_step(rk, &vp, used, deadline, gap);
        }
        if (g->armed && g->pc_fd < 0 && rankings_want_births(g)) {
                proc_events_open(g); /* polled from the next loop turn on */
                /* Births before now are unknown: walk again from here. */
                for (size_t i = 0; g->pc_fd >= 0 && i < RANK_SLOTS; i++)
                        if (g->rankings[i])
                                g->rankings[i]->walking = false, g->rankings[i]->next_walk_ns = 0;
        }
}

struct ranking *rankings_for(struct guard *g, const struct decision *d, struct rank_used_ctx *ret_used) {
        char dir[4096];
        int cgroup = d->cgroup ? (int)(d->cgroup - g->cgroups.views) : -1;
        if (scope_dir(g, cgroup, dir, sizeof(dir)) < 0)
                return NULL;
        struct ranking *rk = slot_for(g, dir, false);
        if (!rk)
                return NULL;
        if (cgroup < 0)
                *ret_used = (struct rank_used_ctx){ .fn = machine_used_now, .ud = g };
        else {
                *ret_used = (struct rank_used_ctx){ .files = &g->cgroups.items[cgroup].files,
                                                    .scratch = g->scratch, .size = GUARD_SCRATCH_SIZE,
                                                    .fn = cgroup_used_now };
                ret_used->ud = ret_used;
        }
        return rk;
}

bool rankings_want_births(const struct guard *g) {
        if (g->births_refused)
                return false;
        for (size_t i = 0; i < RANK_SLOTS; i++)
                if (g->rankings[i] && (g->rankings[i]->ready || g->rankings[i]->walking))
                        return true;
        return false;
}

void rankings_free(struct guard *g) {
        for (size_t i = 0; i < RANK_SLOTS; i++)
                free_slot(g, i);
}
