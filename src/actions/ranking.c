/* A ranking of likely victims for big scopes; see actions/ranking.h for
 * when its answer is the full scan's answer. Allocates only while a walk
 * starts or ends, never at the moment of choice. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sources/procs.h"
#include "actions/ranking.h"
#include "util.h"

/* Growth under this many points per candidate is rounding (the kernel's
 * oom_score and our permille are integers). */
#define ROUNDING_POINTS 1
/* Pids scored between two looks at the clock. */
#define WALK_CHUNK 32

bool pid_sorted_contains(const pid_t *pids, size_t n, pid_t pid) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (pids[mid] == pid)
                        return true;
                if (pids[mid] < pid)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return false;
}

long ranking_unexplained(uint64_t used_then, uint64_t used_now, uint64_t unit_bytes, long explained_points) {
        if (unit_bytes == 0)
                return LONG_MAX / 4; /* no scale: nothing can be proved */
        if (used_now <= used_then)
                return 0;
        /* Round up: the bound must not be short of the truth. */
        long grown = (long)(((__uint128_t)(used_now - used_then) * 1000 + unit_bytes - 1) / unit_bytes);
        return grown > explained_points ? grown - explained_points : 0;
}

/* A left-out process had at most entry_score at the walk (integer scores):
 * now it has at most that plus the unexplained growth. A tie with the
 * best is as right an answer as the scan's (which takes the first seen). */
bool ranking_covers(int best_score, int entry_score, long unexplained_points) {
        return (long)best_score >= (long)entry_score + unexplained_points;
}

void births_record(struct births *b, pid_t pid, uint64_t ns) {
        size_t i = b->total++ % RANK_BIRTHS;
        b->pid[i] = pid;
        b->ns[i] = ns;
}

void births_on_event(struct births *b, const struct pc_event *ev) {
        if (ev->kind == PC_FORK ? ev->pid == ev->tgid : ev->kind != PC_EXIT)
                births_record(b, ev->tgid, ev->timestamp_ns);
}

uint64_t ranking_used_machine(const struct meminfo *m) {
        return m->anon_pages + m->shmem + m->mapped + (m->swap_total > m->swap_free ? m->swap_total - m->swap_free : 0);
}

uint64_t ranking_used_memcg(const struct memcg_stats *st) {
        return st->stat.anon + st->stat.shmem + st->stat.mapped + st->swap_usage;
}

int births_since(const struct births *b, uint64_t since_ns, const pid_t *only, size_t n_only, pid_t *out, size_t cap,
                 size_t *ret_n) {
        if (!b->active || since_ns < b->since_ns || (b->lost_ns && b->lost_ns >= since_ns))
                return -EAGAIN;
        size_t kept = b->total < RANK_BIRTHS ? b->total : RANK_BIRTHS;
        size_t first = b->total - kept, n = 0;
        /* The oldest remembered birth must predate since_ns, or some
         * birth after since_ns may have been overwritten. */
        if (b->total > RANK_BIRTHS && b->ns[first % RANK_BIRTHS] >= since_ns)
                return -EAGAIN;
        for (size_t k = first; k < b->total; k++) {
                size_t i = k % RANK_BIRTHS;
                if (b->ns[i] < since_ns || (only && !pid_sorted_contains(only, n_only, b->pid[i])))
                        continue;
                if (n == cap)
                        return -EAGAIN;
                out[n++] = b->pid[i];
        }
        *ret_n = n;
        return 0;
}

struct pid_list {
        pid_t *a;
        size_t n, cap;
        bool overflow;
};

static int collect(pid_t pid, void *ud) {
        struct pid_list *l = ud;
        if (l->n == l->cap)
                l->overflow = true;
        else
                l->a[l->n++] = pid;
        return 0;
}

static int list_scope(const struct ranking *rk, const struct victim_policy *vp, struct pid_list *l) {
        l->n = 0;
        l->overflow = false;
        return rk->scope[0] ? procs_in_cgroup(rk->scope, collect, l) : procs_all(vp->root, collect, l);
}

static int cmp_pid(const void *a, const void *b) {
        pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
        return (x > y) - (x < y);
}

/* Lists the scope into rk->pids (grown until it fits), sorted. */
static int list_for_walk(struct ranking *rk, const struct victim_policy *vp) {
        for (int tries = 0; tries < 8; tries++) {
                struct pid_list l = { .a = rk->pids, .cap = rk->cap_pids };
                int r = list_scope(rk, vp, &l);
                if (r < 0)
                        return r;
                if (!l.overflow) {
                        rk->n_pids = l.n;
                        if (l.n) /* pids is NULL until the first growth */
                                qsort(rk->pids, l.n, sizeof(pid_t), cmp_pid);
                        return 0;
                }
                r = GROW(rk->pids, rk->cap_pids, rk->cap_pids ? rk->cap_pids * 2 : 1024);
                if (r < 0)
                        return r;
        }
        return -EAGAIN; /* growing faster than we can list it */
}

static int start_walk(struct ranking *rk, const struct victim_policy *vp, uint64_t used, uint64_t now) {
        int r = list_for_walk(rk, vp);
        if (r < 0)
                return r;
        rk->small = rk->n_pids < RANK_MIN_PROCS;
        if (rk->small) {
                rk->ready = false; /* the full scan is cheap: no ranking */
                rk->next_walk_ns = now + 10 * NSEC_PER_SEC;
                return 0;
        }
        rk->walking = true;
        rk->next = rk->walk_n = 0;
        rk->walk_start_ns = now;
        rk->walk_used = used;
        rk->walk_busy_ns = 0;
        return 0;
}

static void publish(struct ranking *rk, uint64_t now, uint64_t gap_ns) {
        pid_t *p = rk->seen;
        size_t cap = rk->cap_seen;
        rk->seen = rk->pids, rk->cap_seen = rk->cap_pids, rk->n_seen = rk->n_pids;
        rk->pids = p, rk->cap_pids = cap, rk->n_pids = 0;
        rk->n_top = rk->walk_n;
        for (size_t i = 0; i < rk->walk_n; i++) {
                rk->top[i].pid = rk->walk_top[i].pid;
                rk->top[i].starttime = rk->walk_top[i].starttime;
                rk->top[i].score = rk->walk_top[i].score;
        }
        rk->ready_start_ns = rk->walk_start_ns;
        rk->ready_used = rk->walk_used;
        rk->walking = false;
        /* The listing at choice needs room for the scope and its newcomers;
         * touched now, so that the choice does not fault its pages in. */
        rk->ready = GROW(rk->now, rk->cap_now, rk->n_seen + rk->n_seen / 4 + RANK_MAX_NEW) == 0;
        if (rk->ready)
                explicit_bzero(rk->now, rk->cap_now * sizeof(pid_t));
        /* Rest at least 50x the walk's own time: at most 2 % of a CPU. */
        uint64_t rest = 50 * rk->walk_busy_ns;
        rk->next_walk_ns = now + (rest > gap_ns ? rest : gap_ns);
}

int ranking_step(struct ranking *rk, const struct victim_policy *vp, uint64_t used, uint64_t deadline_ns,
                 uint64_t gap_ns) {
        uint64_t t0 = now_ns();
        if (!rk->walking) {
                if (t0 < rk->next_walk_ns)
                        return 0;
                int r = start_walk(rk, vp, used, t0);
                if (r < 0 || !rk->walking)
                        return r;
        }
        while (rk->next < rk->n_pids && now_ns() < deadline_ns) {
                size_t chunk = rk->n_pids - rk->next < WALK_CHUNK ? rk->n_pids - rk->next : WALK_CHUNK;
                (void)victim_rank(vp, rk->pids + rk->next, chunk, rk->walk_top, RANK_TOP, &rk->walk_n, NULL);
                rk->next += chunk;
        }
        uint64_t t1 = now_ns();
        rk->walk_busy_ns += t1 - t0;
        if (rk->next == rk->n_pids)
                publish(rk, t1, gap_ns);
        return 0;
}

/* The score a process had at the walk, 0 if it was not a candidate. */
static int score_then(const struct ranking *rk, const struct victim *v) {
        for (size_t i = 0; i < rk->n_top; i++)
                if (rk->top[i].pid == v->pid && rk->top[i].starttime == v->starttime)
                        return rk->top[i].score;
        return 0;
}

static bool listed(const pid_t *pids, size_t n, pid_t pid) {
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

/* Processes forked or changed (exec, comm, uid: prefer / avoid / protect
 * may now say otherwise) since the walk began: in the scope, not already
 * candidates. In a cgroup only those the walk saw: a pid it did not see
 * is listed by moved_in(), and the host's other forks do not count
 * towards the newcomers' cap. */
static int changed_since_walk(const struct ranking *rk, const struct victim_policy *vp, const struct births *b,
                              pid_t *out, size_t *n) {
        pid_t born[RANK_MAX_NEW];
        size_t n_born;
        const pid_t *only = rk->scope[0] ? rk->seen : NULL;
        if (births_since(b, rk->ready_start_ns, only, rk->n_seen, born, RANK_MAX_NEW, &n_born) < 0)
                return -EAGAIN;
        for (size_t i = 0; i < n_born; i++)
                if (!listed(out, *n, born[i]) && (!rk->scope[0] || victim_in_scope(vp, born[i])))
                        out[(*n)++] = born[i];
        return 0;
}

/* A cgroup is also entered without a fork (a process moved into it): list
 * it for every pid the walk did not see. */
static int moved_in(struct ranking *rk, const struct victim_policy *vp, pid_t *out, size_t *n) {
        struct pid_list l = { .a = rk->now, .cap = rk->cap_now };
        if (list_scope(rk, vp, &l) < 0 || l.overflow)
                return -EAGAIN;
        for (size_t i = 0; i < l.n; i++) {
                if (pid_sorted_contains(rk->seen, rk->n_seen, l.a[i]) || listed(out, *n, l.a[i]))
                        continue;
                if (*n == RANK_TOP + RANK_MAX_NEW)
                        return -EAGAIN;
                out[(*n)++] = l.a[i];
        }
        return 0;
}

/* The walk's candidates and every process the walk could not have ranked
 * as it is now. Without the proc connector an exec is invisible: no answer. */
static int gather_candidates(struct ranking *rk, const struct victim_policy *vp, const struct births *b, pid_t *out,
                             size_t *n_out) {
        size_t n = 0;
        for (size_t i = 0; i < rk->n_top; i++)
                out[n++] = rk->top[i].pid;
        if (!b || changed_since_walk(rk, vp, b, out, &n) < 0)
                return -EAGAIN;
        if (rk->scope[0] && moved_in(rk, vp, out, &n) < 0)
                return -EAGAIN;
        *n_out = n;
        return 0;
}

/* The candidate's score now, or -1 when it is no longer a candidate. */
static int score_now(const struct ranking *rk, size_t n, pid_t pid, uint64_t starttime) {
        for (size_t i = 0; i < n; i++)
                if (rk->cand[i].pid == pid && rk->cand[i].starttime == starttime)
                        return rk->cand[i].score;
        return -1;
}

/* Points of memory the scope's processes may have grown by that no
 * candidate accounts for: what the scope grew by, less the candidates'
 * growth, plus what the walk's candidates gave back (a killed victim's
 * memory is free for anyone to take). */
static long unexplained_points(const struct ranking *rk, size_t n, uint64_t used) {
        long explained = 0, freed = 0;
        for (size_t i = 0; i < n; i++) {
                long g = (long)rk->cand[i].score - score_then(rk, &rk->cand[i]) - ROUNDING_POINTS;
                explained += g > 0 ? g : 0;
        }
        for (size_t i = 0; i < rk->n_top; i++) {
                int now = score_now(rk, n, rk->top[i].pid, rk->top[i].starttime);
                long f = now < 0 ? rk->top[i].score : (long)rk->top[i].score - now;
                freed += f > 0 ? f : 0;
        }
        return ranking_unexplained(rk->ready_used, used, rk->unit_bytes, explained) + freed;
}

int ranking_choose(struct ranking *rk, const struct victim_policy *vp, uint64_t now, const struct births *births,
                   ranking_used_fn read_used, void *used_ud, struct victim *ret, struct victim_stats *stats) {
        if (!rk->ready || rk->small || now - rk->ready_start_ns > RANK_MAX_AGE_NS)
                return -EAGAIN;
        pid_t pids[RANK_TOP + RANK_MAX_NEW];
        size_t n_pids, n = 0;
        if (gather_candidates(rk, vp, births, pids, &n_pids) < 0)
                return -EAGAIN;
        struct victim_stats st = { .ranked_of = (unsigned)rk->n_seen };
        /* want = all of them: every candidate's growth is needed. */
        rk->n_cand = 0;
        if (victim_rank(vp, pids, n_pids, rk->cand, n_pids ? n_pids : 1, &n, &st) < 0 || n == 0)
                return -EAGAIN;
        rk->n_cand = n;
        /* What the scope holds is read after the candidates: their growth
         * until then is counted on both sides. */
        uint64_t used;
        if (read_used(used_ud, &used) < 0)
                return -EAGAIN;
        int entry = rk->n_top < RANK_TOP ? 0 : rk->top[RANK_TOP - 1].score;
        if (!ranking_covers(rk->cand[0].score, entry, unexplained_points(rk, n, used)))
                return -EAGAIN;
        struct victim best = rk->cand[0];
        if (victim_take(vp, &best) < 0)
                return -EAGAIN;
        if (stats)
                *stats = st;
        *ret = best;
        return 0;
}

size_t ranking_candidates(const struct ranking *rk, struct victim *out, size_t max) {
        size_t n = rk->n_cand < max ? rk->n_cand : max;
        memcpy(out, rk->cand, n * sizeof(*out));
        return n;
}

void ranking_free(struct ranking *rk) {
        free(rk->pids);
        free(rk->seen);
        free(rk->now);
        rk->pids = rk->seen = rk->now = NULL;
        rk->cap_pids = rk->cap_seen = rk->cap_now = 0;
        rk->ready = rk->walking = false;
}
