/* Victim choice. One read per process for most of them (stat, then
 * oom_score, or status inside a cgroup); cmdline, cgroup and exe are read
 * only when a matcher needs them, for processes that can still win. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "sources/cgroup_view.h"
#include "sources/procs.h"
#include "actions/victim.h"
#include "util.h"

struct search {
        const struct victim_policy *vp;
        unsigned fields;    /* matcher fields in use */
        struct victim *top; /* the best so far, best first */
        size_t n, want;     /* how many in top; how many to keep */
        struct victim_stats stats;
        /* For the report: the bests the search displaced, best first (the
         * entry score stays the best's: no more reads than without). */
        struct victim *passed;
        size_t n_passed, want_passed;
};

/* The score a newcomer must beat to enter top (INT_MIN while not full). */
static int entry_score(const struct search *s) { return s->n < s->want ? INT_MIN : s->top[s->want - 1].score; }

static void insert_sorted(struct victim *list, size_t *n, size_t cap, const struct victim *v) {
        size_t i = *n < cap ? (*n)++ : cap - 1;
        if (*n == cap && i == cap - 1 && list[i].score >= v->score)
                return; /* full, and v would be last */
        while (i > 0 && list[i - 1].score < v->score) {
                list[i] = list[i - 1];
                i--;
        }
        list[i] = *v;
}

/* Inserts v in score order (ties: the one seen first stays ahead). */
static void keep(struct search *s, const struct victim *v) {
        if (s->passed && s->n == s->want)
                insert_sorted(s->passed, &s->n_passed, s->want_passed, &s->top[s->want - 1]);
        size_t i = s->n < s->want ? s->n++ : s->want - 1;
        while (i > 0 && s->top[i - 1].score < v->score) {
                s->top[i] = s->top[i - 1];
                i--;
        }
        s->top[i] = *v;
}

static bool never_a_victim(const struct victim_policy *vp, const struct proc_stat *st) {
        /* No memory of their own (kernel threads), or already dying. */
        return st->pid == 1 || st->pid == vp->self || (st->flags & PF_KTHREAD) || st->state == 'Z' ||
               st->state == 'X' || st->state == 'x';
}

struct facts_buf {
        struct proc_facts f;
        char cmdline[1024], cgroup[1024], exe[1024];
        unsigned missing; /* fields a matcher needs that could not be read */
};

/* Fills the facts that some matcher needs. */
static void gather_facts(const struct victim_policy *vp, unsigned fields, const struct proc_stat *st,
                         struct facts_buf *b) {
        b->f = (struct proc_facts){ .comm = st->comm };
        b->missing = 0;
        if ((fields & (1u << MATCH_CMDLINE)) &&
            read_proc_cmdline(vp->root, st->pid, b->cmdline, sizeof(b->cmdline)) == 0)
                b->f.cmdline = b->cmdline;
        if ((fields & (1u << MATCH_CGROUP)) &&
            read_proc_cgroup(vp->root, st->pid, vp->cgroup_controller, b->cgroup, sizeof(b->cgroup)) == 0)
                b->f.cgroup = b->cgroup;
        if ((fields & (1u << MATCH_EXE)) && read_proc_exe(vp->root, st->pid, b->exe, sizeof(b->exe)) == 0)
                b->f.exe = b->exe;
        struct proc_status status;
        if ((fields & (1u << MATCH_USER)) && read_proc_status(vp->root, st->pid, &status) == 0) {
                b->f.uid = status.uid;
                b->f.has_uid = true;
        }
        b->missing = fields & (((b->f.cmdline ? 0u : 1u) << MATCH_CMDLINE) | ((b->f.cgroup ? 0u : 1u) << MATCH_CGROUP) |
                               ((b->f.exe ? 0u : 1u) << MATCH_EXE) | ((b->f.has_uid ? 0u : 1u) << MATCH_USER));
}

static bool any_match(const struct matcher_list *const lists[2], const struct proc_facts *f) {
        return matcher_list_match(lists[0], f) || matcher_list_match(lists[1], f);
}

static unsigned fields_of(const struct matcher_list *const lists[2]) {
        return matcher_list_fields(lists[0]) | matcher_list_fields(lists[1]);
}

/* protect fails closed: a fact a protect matcher needs but that could not
 * be read counts as a match. */
static bool protected(const struct victim_policy *vp, const struct facts_buf *b) {
        return (b->missing & fields_of(vp->protect)) || any_match(vp->protect, &b->f);
}

bool victim_policy_spares(const struct victim_policy *vp, const struct proc_stat *st) {
        int adj = 0;
        if (never_a_victim(vp, st))
                return true;
        if (read_proc_oom_score_adj(vp->root, st->pid, &adj) < 0 || (adj <= -1000 && !vp->allow_unkillable))
                return true;
        struct facts_buf b;
        gather_facts(vp, fields_of(vp->protect), st, &b);
        return protected(vp, &b);
}

static bool any_set(const struct matcher_list *const lists[2]) {
        return (lists[0] && lists[0]->n) || (lists[1] && lists[1]->n);
}

static int biased_score(const struct search *s, int oom_score, const struct proc_facts *f) {
        int score = oom_score;
        if (any_match(s->vp->prefer, f))
                score += VICTIM_BIAS;
        if (any_match(s->vp->avoid, f))
                score -= VICTIM_BIAS;
        return score;
}

/* The kernel's badness in permille of the scope: (rss + swap + page
 * tables) / scope + oom_score_adj. Inside a cgroup the scope is its limit,
 * as for the kernel's memcg OOM; /proc/PID/oom_score is scaled to the
 * whole machine and too coarse there (1 point = 1/1000 of RAM). */
static int cgroup_badness(const struct search *s, pid_t pid, int *ret) {
        struct proc_status status;
        int adj = 0;
        if (read_proc_status(s->vp->root, pid, &status) < 0 || read_proc_oom_score_adj(s->vp->root, pid, &adj) < 0)
                return -ESRCH;
        if (adj <= -1000 && !s->vp->allow_unkillable)
                return -EPERM;
        uint64_t bytes = status.vm_rss + status.vm_swap + status.vm_pte;
        double permille = 1000.0 * (double)bytes / (double)s->vp->scope_bytes + adj;
        *ret = permille < 1 ? 1 : (int)permille; /* anything with memory beats nothing */
        return 0;
}

/* Machine-wide, the kernel's own oom_score is exactly its global OOM
 * badness (one small read per process). */
static int machine_badness(const struct search *s, pid_t pid, int *ret) {
        int score;
        if (read_proc_oom_score(s->vp->root, pid, &score) < 0)
                return -ESRCH;
        if (score <= 0 && !s->vp->allow_unkillable)
                return -EPERM; /* oom_score_adj -1000, or no memory at all */
        *ret = score;
        return 0;
}

static int consider(pid_t pid, void *userdata) {
        struct search *s = userdata;
        struct proc_stat st;
        int oom_score;
        s->stats.scanned++;
        if (pid == 1 || pid == s->vp->self)
                return 0;
        /* Badness first: a process that cannot beat the best so far costs
         * no further read (not even its stat). */
        int r = s->vp->scope_bytes ? cgroup_badness(s, pid, &oom_score) : machine_badness(s, pid, &oom_score);
        if (r < 0)
                return 0;
        int upper = oom_score + (any_set(s->vp->prefer) ? VICTIM_BIAS : 0);
        if (upper <= entry_score(s))
                return 0;
        if (read_proc_stat(s->vp->root, pid, &st) < 0 || never_a_victim(s->vp, &st))
                return 0; /* vanished, or not a candidate */
        struct facts_buf b;
        gather_facts(s->vp, s->fields, &st, &b);
        if (protected(s->vp, &b))
                return 0;
        s->stats.eligible++;
        int score = biased_score(s, oom_score, &b.f);
        if (score <= entry_score(s))
                return 0;
        struct victim v = { .pid = pid,
                            .ppid = st.ppid,
                            .starttime = st.starttime,
                            .oom_score = oom_score,
                            .score = score,
                            .state = st.state,
                            .threads = st.num_threads > 0 ? (unsigned)st.num_threads : 1,
                            .pidfd = -1 };
        memcpy(v.comm, st.comm, sizeof(v.comm));
        keep(s, &v);
        return 0;
}

bool victim_is_same_process(const char *root, pid_t pid, uint64_t starttime) {
        struct proc_stat st;
        return read_proc_stat(root, pid, &st) == 0 && st.starttime == starttime;
}

/* Pin the winner with a pidfd, then make sure the pid was not reused
 * between reading its stat and opening the pidfd. */
static int pin(const struct victim_policy *vp, struct victim *v) {
        v->pidfd = -1;
        if (strcmp(vp->root, "/") != 0)
                return 0; /* a fixture's pids are not this machine's: nothing to pin */
        int fd = (int)syscall(SYS_pidfd_open, v->pid, 0);
        if (fd < 0)
                return -errno;
        if (!victim_is_same_process(vp->root, v->pid, v->starttime)) {
                close(fd);
                return -ESRCH;
        }
        v->pidfd = fd;
        return 0;
}

/* With the pidfd open the pid can no longer change hands: make sure it is
 * the process that was ranked (its badness was read before its stat, so
 * a reuse in between would pin a newcomer) and, inside a cgroup, that it
 * is still a member. */
bool victim_in_scope(const struct victim_policy *vp, pid_t pid) {
        return !vp->cgroup_rel ||
               pid_in_cgroup(vp->root, vp->cgroup_controller, vp->cgroup_proc_prefix, vp->cgroup_rel, pid);
}

bool pid_in_cgroup(const char *root, const char *controller, const char *proc_prefix, const char *rel, pid_t pid) {
        char path[1024], scope[4096];
        const char *prefix = proc_prefix ? proc_prefix : "";
        if (*prefix && strcmp(rel, "/") == 0)
                rel = "";
        if (snprintf(scope, sizeof(scope), "%s%s", prefix, rel) >= (int)sizeof(scope))
                return false;
        /* A sidecar's app beside it: its scope reads "/../app" from our
         * cgroup namespace (sources/cgroup_view.h) */
        return read_proc_cgroup(root, pid, controller, path, sizeof(path)) == 0 && cgroup_view_within(path, scope);
}

static bool still_the_one(const struct victim_policy *vp, const struct victim *v) {
        const struct search s = { .vp = vp };
        int now;
        int r = vp->scope_bytes ? cgroup_badness(&s, v->pid, &now) : machine_badness(&s, v->pid, &now);
        return r == 0 && now >= v->oom_score / 2 && victim_in_scope(vp, v->pid);
}

/* Details for the event, read for the winner only. */
static void describe(const struct victim_policy *vp, struct victim *v) {
        struct proc_status status;
        if (read_proc_status(vp->root, v->pid, &status) == 0) {
                v->uid = status.uid;
                v->rss = status.vm_rss;
                v->swap = status.vm_swap;
        }
        (void)read_proc_oom_score_adj(vp->root, v->pid, &v->oom_score_adj);
}

static unsigned search_fields(const struct victim_policy *vp) {
        return fields_of(vp->protect) | fields_of(vp->prefer) | fields_of(vp->avoid);
}

int victim_rank(const struct victim_policy *vp, const pid_t *pids, size_t n_pids, struct victim *top, size_t want,
                size_t *n_top, struct victim_stats *stats) {
        if (want == 0 || *n_top > want)
                return -EINVAL;
        struct search s = { .vp = vp, .fields = search_fields(vp), .top = top, .n = *n_top, .want = want };
        for (size_t i = 0; i < n_pids; i++)
                (void)consider(pids[i], &s);
        *n_top = s.n;
        if (stats) {
                stats->scanned += s.stats.scanned;
                stats->eligible += s.stats.eligible;
        }
        return 0;
}

int victim_take(const struct victim_policy *vp, struct victim *v) {
        int r = pin(vp, v);
        if (r < 0)
                return r;
        if (v->pidfd >= 0 && !still_the_one(vp, v)) {
                victim_release(v);
                return -ESRCH;
        }
        describe(vp, v);
        return 0;
}

int victim_choose_top(const struct victim_policy *vp, const char *cgroup_dir, struct victim *ret,
                      struct victim_stats *stats, struct victim *top, size_t want, size_t *n_top) {
        struct search s = { .vp = vp, .fields = search_fields(vp), .top = top, .want = 1 };
        if (want > 1)
                s = (struct search){
                        .vp = vp, .fields = s.fields, .top = top, .want = 1, .passed = top + 1, .want_passed = want - 1
                };
        int r = cgroup_dir ? procs_in_cgroup(cgroup_dir, consider, &s) : procs_all(vp->root, consider, &s);
        *n_top = s.n + s.n_passed;
        if (stats)
                *stats = s.stats;
        if (r < 0)
                return r;
        if (s.n == 0)
                return -ESRCH;
        struct victim best = top[0];
        r = victim_take(vp, &best);
        if (r < 0)
                return r;
        *ret = best;
        return 0;
}

int victim_choose(const struct victim_policy *vp, const char *cgroup_dir, struct victim *ret,
                  struct victim_stats *stats) {
        struct victim best;
        size_t n;
        return victim_choose_top(vp, cgroup_dir, ret, stats, &best, 1, &n);
}

void victim_release(struct victim *v) {
        if (v->pidfd >= 0)
                close(v->pidfd);
        v->pidfd = -1;
}
