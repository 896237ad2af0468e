/* Applying [adjust:NAME] rules: the first rule that matches a process sets
 * its /proc/PID/oom_score_adj, when it execs (proc connector) and on every
 * /proc rescan. The adjuster's memory is allocated when a policy is
 * loaded; handling a process or an event does not allocate.
 *
 * Writing a value below the process's oom_score_adj_min (0 unless a
 * privileged writer set it) needs CAP_SYS_RESOURCE: without it the kernel
 * answers EACCES, counted per rule and logged once per batch. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "sources/proc_connector.h"
#include "sources/proc_pid.h"
#include "util.h"

/* What is known of a process; NULL / !has_uid = not read. Pure input of
 * adjust_first_match. */
struct adjust_facts {
        const char *comm;
        const char *cmdline; /* arguments joined by spaces */
        const char *exe;     /* readlink of /proc/PID/exe, " (deleted)" cut */
        const char *cgroup;  /* path in the memory hierarchy */
        uid_t uid;           /* real uid */
        bool has_uid;
};

/* Which facts the rules look at, so a caller reads no more than that. */
enum {
        ADJUST_NEED_CMDLINE = 1u << 0,
        ADJUST_NEED_EXE = 1u << 1,
        ADJUST_NEED_CGROUP = 1u << 2,
        ADJUST_NEED_UID = 1u << 3,
};
unsigned adjust_rules_needs(const struct adjust_rule *rules, size_t n);

/* Pure: every selector given must match; a fact not read does not match. */
bool adjust_rule_matches(const struct adjust_rule *r, const struct adjust_facts *f);
/* Index of the first matching rule (first match wins), -1 for none. */
int adjust_first_match(const struct adjust_rule *rules, size_t n, const struct adjust_facts *f);

/* Processes already handled (pid + start time → rule), so that enforce = no
 * leaves a process alone once set, and failures are logged once. Open
 * addressing, fixed capacity; when full, processes are treated as new. */
struct adjust_track_entry {
        pid_t pid; /* 0 = empty slot */
        int16_t rule;
        bool failed;    /* the write was refused: do not retry */
        uint32_t gen;   /* rescan that last saw it */
        uint32_t batch; /* batch that last looked at it */
        uint64_t starttime;
};

/* enforce = yes: processes whose value is re-read every ADJUST_ENFORCE_NS
 * through a kept fd on their oom_score_adj. */
struct adjust_watch {
        int fd;
        pid_t pid;
        int16_t rule;
        uint64_t starttime;
        char comm[16];
};

/* One batch's outcome per rule, logged as one line by adjust_flush. */
struct adjust_batch {
        unsigned applied, corrected, failed;
        int err;           /* first errno of a failure */
        char samples[112]; /* "comm pid, comm pid, ..." */
        char fail_samples[112];
};

#define ADJUST_LOG_NS (1 * NSEC_PER_SEC)

struct adjuster {
        const struct adjust_rule *rules; /* the guard's policy owns them */
        size_t n_rules;
        const char *root;
        const char *cgroup_controller; /* "memory" (v1) or NULL (v2) */
        pid_t self;
        bool dry_run;
        unsigned needs;
        struct adjust_track_entry *track;
        size_t track_cap, n_track, n_overflow;
        uint32_t gen, batch_no; /* rescans, batches (adjust_flush) */
        uint64_t last_log_ns;   /* one log line per ADJUST_LOG_NS at most */
        struct adjust_watch *watch;
        size_t n_watch;
        uint64_t last_enforce_ns;
        struct adjust_batch *batch; /* one per rule */
        char *buf;                  /* cmdline, exe, cgroup */
};

#define ADJUST_TRACK_CAP 8192 /* power of two */
#define ADJUST_WATCH_MAX 256  /* kept fds for enforce = yes */
#define ADJUST_ENFORCE_NS (100 * NSEC_PER_MSEC)
#define ADJUST_BUF_SIZE 4096 /* each of cmdline, exe, cgroup */

/* Allocates for the policy's rules (none: nothing allocated, every call a
 * no-op). The adjuster keeps pointers into p: re-init after a reload. */
int adjuster_init(struct adjuster *a, const struct policy *p, const char *root, const char *cgroup_controller,
                  pid_t self, bool dry_run);
void adjuster_free(struct adjuster *a);
static inline bool adjuster_active(const struct adjuster *a) { return a->n_rules > 0; }

/* A proc connector event (exec, comm, uid, fork): re-check that process.
 * Batched: call adjust_flush after a dispatch. */
void adjust_on_event(struct adjuster *a, const struct pc_event *ev);
/* Log what the batch did (one line, one more for failures) and reset it. */
void adjust_flush(struct adjuster *a);
/* Every process under /proc, then adjust_flush. */
void adjust_rescan(struct adjuster *a);
/* enforce = yes: re-read the watched values when ADJUST_ENFORCE_NS passed
 * since the last look; restore changed ones. Cheap: one pread each. */
void adjust_enforce_tick(struct adjuster *a, uint64_t now);

/* --status --adjust: every process a rule matches, nothing written. */
struct adjust_seen {
        pid_t pid;
        const char *comm;
        const struct adjust_rule *rule;
        int current;
};
typedef void (*adjust_seen_fn)(const struct adjust_seen *s, void *userdata);
int adjust_list(struct adjuster *a, adjust_seen_fn fn, void *userdata);
