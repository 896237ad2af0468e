/* A ranking of likely victims, kept for scopes too big to scan at the
 * moment of choice (10,000 processes cost 70-130 ms of /proc reads).
 *
 * In the background (a slice per tick) the guard walks the scope and keeps
 * its RANK_TOP best candidates and the sorted list of pids it saw. At the
 * moment of choice it reads again only the candidates, the processes
 * forked or changed (exec, comm, uid) since the walk began, which the proc
 * connector reports, and, in a cgroup, the pids it holds that the walk did
 * not see (moved in). The answer is taken only when no process left out
 * can have outgrown the best: the memory the scope's processes hold (anon
 * + shmem + swap + mapped files) may have grown since the walk by no more
 * than the candidates grew, plus what the walk's candidates gave back.
 * The assumptions, stated: a process left out cannot hide its growth
 * behind another process freeing as much, and its oom_score_adj is not
 * changed at run time without an exec. Otherwise: the full scan. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "actions/victim.h"
#include "sources/meminfo.h"
#include "sources/memcg.h"
#include "sources/proc_connector.h"

#define RANK_TOP 32        /* candidates a walk keeps */
#define RANK_MIN_PROCS 512 /* smaller scopes are scanned whole at choice */
#define RANK_MAX_NEW 256   /* more newcomers than this: scan whole */
#define RANK_MAX_AGE_NS (60ull * 1000000000ull)
/* Forks and changes remembered (the proc connector): every process of
 * the host's, for as long as a ranking may answer after its walk began
 * (a slow walk of 1,000 processes, seconds under ASan, on a host that
 * forks ~500 a second: 256 overran, and the choice fell to a scan). */
#define RANK_BIRTHS 4096

/* Processes forked, exec'd, renamed or given another uid lately, from
 * the proc connector: what a walk could not have ranked as it is now is
 * known without listing the scope again (a listing costs ~1 us a pid in
 * the kernel: 10 ms for 10,000). */
struct births {
        pid_t pid[RANK_BIRTHS];
        uint64_t ns[RANK_BIRTHS]; /* CLOCK_MONOTONIC, the kernel's stamp */
        size_t total;             /* recorded so far; the ring is at total % RANK_BIRTHS */
        uint64_t lost_ns;         /* events were dropped then (0: never) */
        uint64_t since_ns;        /* fed since (earlier births are unknown) */
        bool active;              /* the connector feeds it */
};

void births_record(struct births *b, pid_t pid, uint64_t ns);

/* Records what a ranking must read again: a process's fork (not a
 * thread's), and any exec, comm or uid change. */
void births_on_event(struct births *b, const struct pc_event *ev);

/* Pure: what a scope's processes hold, in the ranking's terms (anon +
 * shmem + swap + mapped files; page cache and slab are left out:
 * reclaiming them makes room without any process shrinking, and reading
 * /proc grows them). */
uint64_t ranking_used_machine(const struct meminfo *m);
uint64_t ranking_used_memcg(const struct memcg_stats *st);

/* Pure: the pids born at or after since_ns, oldest first, into out (cap);
 * with only (sorted, n_only of them) just those among them. -EAGAIN when
 * some may be missing (ring overrun, events dropped, not active) or when
 * they do not fit. */
int births_since(const struct births *b, uint64_t since_ns, const pid_t *only, size_t n_only, pid_t *out, size_t cap,
                 size_t *ret_n);

struct ranking {
        char scope[4096];    /* cgroup directory; "" = the machine */
        uint64_t unit_bytes; /* bytes of one score point x 1000 (the badness scale) */
        /* The walk in progress. */
        bool walking;
        pid_t *pids; /* listed at its start, sorted */
        size_t n_pids, cap_pids, next;
        struct victim walk_top[RANK_TOP];
        size_t walk_n;
        uint64_t walk_start_ns, walk_used, walk_busy_ns;
        /* The last complete walk. */
        bool ready, small; /* small: fewer than RANK_MIN_PROCS */
        pid_t *seen;       /* sorted */
        size_t n_seen, cap_seen;
        struct {
                pid_t pid;
                int score;
                uint64_t starttime;
        } top[RANK_TOP];
        size_t n_top;
        uint64_t ready_start_ns, ready_used, next_walk_ns;
        /* Choice-time scratch, sized with seen: no allocation then. */
        pid_t *now;
        size_t cap_now;
        struct victim cand[RANK_TOP + RANK_MAX_NEW];
        size_t n_cand; /* ranked at the last choice, best first */
};

/* Starts or continues the walk until deadline_ns (CLOCK_MONOTONIC); used:
 * what the scope holds now (bytes). gap_ns: rest between walks. Grows
 * the pid arrays when the scope grew (the only allocation). */
int ranking_step(struct ranking *rk, const struct victim_policy *vp, uint64_t used, uint64_t deadline_ns,
                 uint64_t gap_ns);

/* What the scope's processes hold now (bytes of anon + shmem + swap +
 * mapped files), read when ranking_choose asks for it. */
typedef int (*ranking_used_fn)(void *userdata, uint64_t *ret);

/* The choice through the ranking. births (the proc connector's forks,
 * execs, comm and uid changes) is required: without it a process that
 * exec'd since the walk is unseen. -EAGAIN: no ranking can answer (none
 * ready, too old, too small, too many newcomers, growth unexplained,
 * nobody eligible among the candidates): scan the whole scope instead. */
/* The candidates the last ranking_choose ranked, best first (at most
 * max copied into out). Returns how many were copied. */
size_t ranking_candidates(const struct ranking *rk, struct victim *out, size_t max);

int ranking_choose(struct ranking *rk, const struct victim_policy *vp, uint64_t now_ns, const struct births *births,
                   ranking_used_fn read_used, void *used_ud, struct victim *ret, struct victim_stats *stats);

void ranking_free(struct ranking *rk);

/* Pure: points (of 1000 of unit_bytes) by which memory grew from used_then
 * to used_now beyond the explained_points the candidates grew by (>= 0). */
long ranking_unexplained(uint64_t used_then, uint64_t used_now, uint64_t unit_bytes, long explained_points);

/* Pure: the best candidate is the scan's answer when nobody left out (each
 * at most entry_score at the walk) can have grown past it. */
bool ranking_covers(int best_score, int entry_score, long unexplained_points);

/* Pure: is pid in the sorted array? */
bool pid_sorted_contains(const pid_t *pids, size_t n, pid_t pid);
