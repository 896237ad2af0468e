/* Keeping victim rankings for the scopes that may need a choice soon
 * (see actions/rankings.h). */
#include <stdio.h>
#include <string.h>

#include "actions/rankings.h"
#include "outputs/log.h"
#include "util.h"

static bool chooses_victims(const struct rule *r) { return r->action == ACTION_KILL || r->action == ACTION_STOP; }

/* At the moment of choice, read afresh (ranking_used_fn). */
static int machine_used_now(void *ud, uint64_t *ret) {
        const char *root = ud;
        struct meminfo m;
        int r = read_meminfo(root, &m);
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
static void scope_decision(const struct rankings_ctx *c, int cgroup, struct decision *ret) {
        *ret = (struct decision){ .rule = &c->policy->global };
        if (cgroup >= 0) {
                ret->cgroup = &c->cgroups->views[cgroup];
                ret->rule = &c->policy->cgroups[c->cgroups->views[cgroup].rule_index];
        }
}

static bool taken(const int *scopes, size_t n, int i) {
        for (size_t j = 0; j < n; j++)
                if (scopes[j] == i)
                        return true;
        return false;
}

/* The scopes worth a ranking now: -1 (the machine) and cgroup indexes. */
static size_t wanted_scopes(const struct rankings_ctx *c, int *out) {
        size_t n = 0;
        if (c->policy->has_global && chooses_victims(&c->policy->global))
                out[n++] = -1;
        while (n < RANK_SLOTS) {
                int best = -1;
                double best_w = RANK_WARM_FRACTION;
                for (size_t i = 0; i < c->cgroups->n; i++) {
                        const struct cgroup_view *v = &c->cgroups->views[i];
                        if (taken(out, n, (int)i) || v->rule_index < 0 ||
                            !chooses_victims(&c->policy->cgroups[v->rule_index]))
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

static int scope_dir(const struct rankings_ctx *c, int cgroup, char *buf, size_t size) {
        if (cgroup < 0) {
                buf[0] = '\0';
                return 0;
        }
        if (!c->actx->mounts)
                return -ENOENT;
        return path_join(buf, size, c->actx->mounts->memory_mount, c->cgroups->views[cgroup].path);
}

static struct ranking *slot_for(struct rankings *rs, const char *dir, bool create) {
        for (size_t i = 0; i < RANK_SLOTS; i++)
                if (rs->slots[i] && strcmp(rs->slots[i]->scope, dir) == 0)
                        return rs->slots[i];
        if (!create)
                return NULL;
        for (size_t i = 0; i < RANK_SLOTS; i++)
                if (!rs->slots[i]) {
                        rs->slots[i] = calloc(1, sizeof(struct ranking));
                        if (!rs->slots[i])
                                return NULL;
                        /* Fault in the choice-time scratch now (calloc may hand out untouched pages). */
                        explicit_bzero(rs->slots[i], sizeof(struct ranking));
                        snprintf(rs->slots[i]->scope, sizeof(rs->slots[i]->scope), "%s", dir);
                        return rs->slots[i];
                }
        return NULL;
}

static void free_slot(struct rankings *rs, size_t i) {
        if (rs->slots[i]) {
                ranking_free(rs->slots[i]);
                free(rs->slots[i]);
        }
        rs->slots[i] = NULL;
}

/* Slots whose scope is no longer wanted are freed (their memory back). */
static void drop_unwanted(struct rankings *rs, char dirs[][4096], size_t n) {
        for (size_t i = 0; i < RANK_SLOTS; i++) {
                if (!rs->slots[i])
                        continue;
                bool wanted = false;
                for (size_t j = 0; j < n; j++)
                        wanted |= strcmp(rs->slots[i]->scope, dirs[j]) == 0;
                if (!wanted)
                        free_slot(rs, i);
        }
}

static void step(struct ranking *rk, const struct rankings_ctx *c, int scope, uint64_t deadline, uint64_t gap) {
        struct decision d;
        struct victim_policy vp;
        scope_decision(c, scope, &d);
        action_victim_policy(c->actx, &d, &vp);
        rk->unit_bytes = vp.scope_bytes ? vp.scope_bytes : c->actx->machine_bytes;
        uint64_t used = scope < 0 ? ranking_used_machine(c->mem) : ranking_used_memcg(&c->cgroups->views[scope].stats);
        uint64_t published = rk->ready_start_ns;
        (void)ranking_step(rk, &vp, used, deadline, gap);
        /* Said with -v only: a test waits for it rather than guessing how
         * long a walk of its 1,000 processes takes on a slow build. */
        if (rk->ready && rk->ready_start_ns != published)
                log_debug("ranking of %s ready: %zu candidates of %zu processes, walked in %.1f ms",
                          rk->scope[0] ? rk->scope : "the machine", rk->n_top, rk->n_seen,
                          (double)rk->walk_busy_ns / 1e6);
}

void rankings_tick(struct rankings *rs, const struct rankings_ctx *c) {
        int scopes[RANK_SLOTS];
        static char dirs[RANK_SLOTS][4096];
        size_t n = wanted_scopes(c, scopes);
        for (size_t i = 0; i < n; i++)
                if (scope_dir(c, scopes[i], dirs[i], sizeof(dirs[i])) < 0)
                        dirs[i][0] = '\1'; /* matches no slot */
        drop_unwanted(rs, dirs, n);
        uint64_t deadline = now_ns() + RANK_TICK_BUDGET_NS;
        /* Walks rest longer while every watched value is far from its
         * threshold: a 10,000-process machine walk costs ~150 ms. */
        uint64_t gap = c->hot ? 200 * NSEC_PER_MSEC : c->calm ? RANK_CALM_GAP_NS : 2 * NSEC_PER_SEC;
        for (size_t i = 0; i < n && now_ns() < deadline; i++) {
                struct ranking *rk = dirs[i][0] == '\1' ? NULL : slot_for(rs, dirs[i], true);
                if (rk)
                        step(rk, c, scopes[i], deadline, gap);
        }
}

void rankings_rewalk(struct rankings *rs) {
        for (size_t i = 0; i < RANK_SLOTS; i++)
                if (rs->slots[i])
                        rs->slots[i]->walking = false, rs->slots[i]->next_walk_ns = 0;
}

struct ranking *rankings_for(struct rankings *rs, const struct rankings_ctx *c, const struct decision *d,
                             struct rank_used_ctx *ret_used) {
        char dir[4096];
        int cgroup = d->cgroup ? (int)(d->cgroup - c->cgroups->views) : -1;
        if (scope_dir(c, cgroup, dir, sizeof(dir)) < 0)
                return NULL;
        struct ranking *rk = slot_for(rs, dir, false);
        if (!rk)
                return NULL;
        if (cgroup < 0)
                *ret_used = (struct rank_used_ctx){ .fn = machine_used_now, .ud = (void *)c->actx->root };
        else {
                *ret_used = (struct rank_used_ctx){ .files = &c->cgroups->items[cgroup].files,
                                                    .scratch = c->scratch,
                                                    .size = c->scratch_size,
                                                    .fn = cgroup_used_now };
                ret_used->ud = ret_used;
        }
        return rk;
}

uint64_t rankings_next_step_ns(const struct rankings *rs, uint64_t now) {
        uint64_t next = UINT64_MAX;
        for (size_t i = 0; i < RANK_SLOTS; i++) {
                const struct ranking *rk = rs->slots[i];
                if (!rk)
                        continue;
                uint64_t in = rk->walking || rk->next_walk_ns <= now ? 0 : rk->next_walk_ns - now;
                next = in < next ? in : next;
        }
        return next;
}

bool rankings_want_births(const struct rankings *rs) {
        for (size_t i = 0; i < RANK_SLOTS; i++)
                if (rs->slots[i] && (rs->slots[i]->ready || rs->slots[i]->walking))
                        return true;
        return false;
}

void rankings_free(struct rankings *rs) {
        for (size_t i = 0; i < RANK_SLOTS; i++)
                free_slot(rs, i);
}
