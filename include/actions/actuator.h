/* Carrying out a decision. One interface, two implementations: the real
 * one acts on the system; the dry-run one logs exactly what the real one
 * would do (including the victim it would choose) and touches nothing. */
#pragma once

struct report;
struct optin_state;

#include <sys/types.h>

#include "actions/family.h"
#include "actions/kill.h"
#include "actions/ranking.h"
#include "actions/victim.h"
#include "policy/evaluate.h"
#include "sources/cgroup_tree.h"
#include "sources/task_counts.h"

struct action_ctx {
        const char *root; /* filesystem root ("/" live) */
        const struct cgroup_mounts *mounts;
        const char *cgroup_proc_prefix; /* see victim_policy; NULL but for a sidecar */
        const struct daemon_settings *settings;
        const char *wakeup; /* what woke the guard ("v1 usage threshold") */
        pid_t self;
        uint64_t machine_bytes; /* MemTotal + SwapTotal: badness scale of unlimited cgroups */
        /* supervisor_first: the [supervisor:] rules and the restart tracker */
        const struct supervisor_rule *supervisors;
        size_t n_supervisors;
        bool (*restarted)(pid_t pid, uint64_t start, void *ud);
        void (*killed)(const struct victim *v, void *ud); /* tell the restart tracker */
        void *restarted_ud;
        /* The scope's victim ranking (NULL: scan it whole) and what the
         * scope holds now, in the ranking's terms (actions/ranking.h). */
        struct ranking *ranking;
        ranking_used_fn read_used; /* what the scope holds now (actions/ranking.h) */
        void *used_ud;
        const struct births *births; /* forks and changes, from the proc connector (or NULL) */
        /* The action's forensic report, begun by the caller (report_begin):
         * the actuator fills its part (actions/report_capture.h); NULL =
         * reports off. */
        struct report *report;
        /* The undo log of the cgroup files oomguard changes (actions/optin.h):
         * a v1 reclaim's limit step is listed there while it lasts. NULL:
         * no v1 step (only v2 memory.reclaim). */
        struct optin_state *undo;
};

/* A reclaim (action = reclaim, or reclaim_first before the action). */
struct reclaim_result {
        bool tried;
        bool escalated;        /* still over the rule's thresholds: the action ran */
        int error;             /* of the write; -EAGAIN/-EBUSY: less than asked */
        uint64_t usage_before; /* bytes */
        uint64_t usage_after;  /* re-read after the reclaim (and the v1 limit's return) */
        uint64_t asked_bytes;  /* the plan's amount */
        uint64_t v1_limit;     /* the step's limit (v1); 0: memory.reclaim (v2) */
        uint64_t ns;           /* from the write to the re-read */
};

#define ACTION_CANDIDATES_MAX 10 /* the ranking kept for the report */
#define ACTION_CMDLINE_MAX 1024

/* What an actuator did: the facts of the one event it logs, and what the
 * report needs from before the action (read on the kill path into this
 * fixed-size struct: no allocation). */
struct action_report {
        bool has_victim;
        struct victim victim;
        char victim_cmdline[ACTION_CMDLINE_MAX]; /* read before the signal */
        struct victim candidates[ACTION_CANDIDATES_MAX];
        size_t n_candidates;
        bool has_tasks;           /* tasks in scope, before the action */
        struct task_counts tasks; /* (a large scope: see task_counts_of_cgroup_within) */
        struct victim_stats search;
        uint64_t choose_ns; /* time to choose the victim */
        bool has_kill;
        struct kill_result kill;
        unsigned cgroup_killed;   /* kill-cgroup: processes signalled */
        bool has_supervisor;      /* supervisor_first found one */
        struct victim supervisor; /* (no pidfd kept) */
        unsigned family_size;     /* workers killed with it */
        char sequence[256];       /* "123 (nginx) then 124 125 ..." */
        struct reclaim_result reclaim;
        char outcome[160];
};

#define ACTION_PENDING 1   /* signalled, not seen gone yet (see struct actuator) */
#define ACTION_RECLAIMED 2 /* reclaim_first was enough: nothing killed or stopped */

struct actuator {
        const char *name; /* "real" | "dry-run" */
        /* Returns 0 when the action was carried out (or logged), and
         * every process it killed is gone; ACTION_PENDING when it was
         * carried out but one had not exited within kill_timeout;
         * ACTION_RECLAIMED when reclaim_first brought the cgroup back under
         * its thresholds and the action was not needed; -errno. */
        int (*execute)(const struct action_ctx *ctx, const struct decision *d);
};

extern const struct actuator actuator_dry_run;
extern const struct actuator actuator_real;

/* The structured event every action logs (journal fields OOMGUARD_*). */
void action_log_event(const struct action_ctx *ctx, const char *actuator, const struct decision *d,
                      const struct action_report *rep);

/* Shared by both actuators: the victim policy of a decision and the
 * directory of its cgroup (NULL for [global]: the whole machine). */
void action_victim_policy(const struct action_ctx *ctx, const struct decision *d, struct victim_policy *ret);
const char *action_cgroup_dir(const struct action_ctx *ctx, const struct decision *d, char *buf, size_t size);
int action_choose_victim(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep);

/* supervisor_first (supervisor_first.c). */
bool action_find_supervisor(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep);
int action_kill_family(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep);
