/* The supervisor watch: restart loops (a parent re-forking children that
 * keep being killed) and zombie factories (a parent that never reaps its
 * children), judged by the [supervisor:] rules from process events (the
 * proc connector) or /proc passes. What it finds goes to ctx->act, which
 * the daemon wires to actions/supervisor_act.h; it acts and logs nothing
 * itself. Unlike evaluate() it reads /proc (the stat of the processes an
 * event names): what it judges happens between ticks, not in a snapshot.
 * State is allocated once (supervise_init); events allocate nothing. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/restarts.h"
#include "policy/supervisor_match.h"
#include "sources/proc_connector.h"
#include "util.h"

#define ZOMBIE_SUSPECTS 64
#define SCAN_CHILDREN 1024 /* children of supervisors followed by /proc passes */
#define ZOMBIE_CHECK_NS (200 * NSEC_PER_MSEC)

/* The process a finding is about, pinned by its start time. */
struct sup_target {
        pid_t pid;
        uint64_t start;
        char comm[COMM_MAX];
};

enum finding_kind { FINDING_RESTART_LOOP, FINDING_ZOMBIE_FACTORY };

struct supervisor_finding {
        enum finding_kind kind;
        const struct supervisor_rule *rule;
        struct sup_target target; /* the supervisor */
        char what[160];           /* "restarted a killed \"w\" 4 times within 60s ..." */
};

/* Carries a finding out; -EAGAIN: deferred (the kill cap), ask again at
 * the next restart. */
typedef int (*supervise_act_fn)(void *ud, const struct supervisor_finding *f);

struct supervise_ctx {
        struct supervisor_query query; /* root, the [supervisor:] rules, the cgroup controller */
        bool connector;                /* events come from the proc connector */
        supervise_act_fn act;
        void *act_ud;
};

struct scan_state;

struct supervise_state {
        struct restart_tracker *restarts;
        struct scan_state *scan;                /* the /proc-pass fallback's memory */
        pid_t zombie_suspects[ZOMBIE_SUSPECTS]; /* parents whose children exited lately */
        size_t n_suspects;
        uint64_t last_zombie_check_ns;
};

int supervise_init(struct supervise_state *s); /* allocates; -ENOMEM */
void supervise_free(struct supervise_state *s);

/* The rules need process events at all. */
bool supervise_wants_events(const struct supervise_ctx *c);

/* Connector events: exits by signal, forks and execs (restarts), exits (zombies). */
void supervise_on_event(struct supervise_state *s, const struct supervise_ctx *c, const struct pc_event *ev);
/* From the tick: check zombie suspects; a full /proc pass for them when scan is true. */
void supervise_tick(struct supervise_state *s, const struct supervise_ctx *c, uint64_t now, bool scan);
/* The restart pass over /proc when there is no connector. */
void supervise_scan(struct supervise_state *s, const struct supervise_ctx *c, uint64_t now);

/* oomguard killed a child of ppid (named comm): a death its parent may
 * answer with a restart. */
void supervise_on_kill(struct supervise_state *s, const char *root, pid_t ppid, const char *comm, uint64_t now);
/* For supervisor_first: did this parent re-fork a killed child lately? */
bool supervise_restarted(const struct supervise_state *s, pid_t pid, uint64_t start);
