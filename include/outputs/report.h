/* A forensic report: one JSON file per event (an action, a kernel OOM
 * kill, a warning), written after the action into report_dir.
 *
 * Plain data, every array sized here, so that the guard keeps one
 * report in memory it allocated (and locked) at start-up: what must be
 * read before a kill (the victim, the candidates, the cgroup's numbers,
 * the task counts) is copied into it on the kill path without
 * allocating; what can wait (the tree, the top processes, memory.stat,
 * the machine, the JSON text) is gathered after the action
 * (report_gather()), then the file is written (report_store_write()). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "snapshot/snapshot.h"
#include "sources/cgroup_identity.h"
#include "sources/proc_pid.h"
#include "sources/task_counts.h"

#define REPORT_TOP_MAX 10        /* the biggest processes in scope */
#define REPORT_CANDIDATES_MAX 10 /* the ranking the choice saw */
#define REPORT_TREE_MAX 64       /* the victim's ancestors and descendants */
#define REPORT_CMDLINE_MAX 1024  /* longer command lines are cut (and say so) */
#define REPORT_PATH_MAX 512      /* cgroup paths, relative to the hierarchy */
#define REPORT_ID_MAX 48
#define REPORT_STAT_MAX 64     /* memory.stat lines kept */
#define REPORT_EVENTS_MAX 8    /* memory.events (v2), memory.oom_control (v1) lines kept */
#define REPORT_UNKNOWN INT_MIN /* an oom_score or oom_score_adj not read: null in the file */
#define REPORT_VERSION 1       /* the file's "version": raised when a field changes meaning */
/* The JSON text of any report fits in this many bytes (a unit test fills
 * every field to its size with bytes that escape to 6 characters). */
#define REPORT_JSON_MAX (128 * 1024) /* the largest is 98,606 bytes */
/* report_gather()'s scratch: 16 KiB to read files, then 12 bytes a
 * process of the scope (pid, ppid, process group) for the tree; with
 * this size the tree sees 9,557 processes (the top and counts see all). */
#define REPORT_GATHER_SCRATCH (128 * 1024)

struct report_kv {
        char key[40];
        uint64_t value;
};

enum report_kind {
        REPORT_ACTION,          /* oomguard acted (or would have: dry run, warn) */
        REPORT_KERNEL_OOM_KILL, /* the kernel's own OOM killer, seen in /dev/kmsg: a miss */
        REPORT_WARNING,         /* an early warning (no action) */
};

/* Where a process of the tree stands to the victim. */
enum report_relation {
        REPORT_REL_NONE = 0, /* top[]: no relation recorded */
        REPORT_REL_ANCESTOR,
        REPORT_REL_VICTIM,
        REPORT_REL_DESCENDANT, /* the victim, alive, is its parent, grandparent, ... */
        REPORT_REL_GROUP,      /* the victim is gone (its children were given to a
                                * reaper): a process of the victim's process group */
};

struct report_proc {
        pid_t pid, ppid;
        enum report_relation relation; /* tree[] only */
        char comm[COMM_MAX];
        char state; /* /proc/PID/stat's letter; 0 = unknown */
        uint64_t rss_bytes;
        int oom_score, oom_score_adj;
};

struct report_candidate {
        pid_t pid;
        char comm[COMM_MAX];
        int score;    /* oom_score moved by prefer / avoid */
        char why[96]; /* "oom_score 612, prefer comm:java +300" */
};

struct report_victim {
        bool has;
        pid_t pid, ppid;
        char comm[COMM_MAX];
        char cmdline[REPORT_CMDLINE_MAX]; /* NULs as spaces; cut at the size */
        bool cmdline_cut;
        uid_t uid; /* (uid_t)-1: unknown, null in the file */
        char state;
        uint64_t rss_bytes, swap_bytes;
        int oom_score, oom_score_adj;
        uint64_t start_time_ticks; /* /proc/PID/stat starttime: clock ticks since boot */
        /* report_gather(): */
        uint64_t start_time_ns; /* the same as CLOCK_REALTIME; 0 = unknown */
        bool gone;              /* no process with its pid and start time any more */
};

struct report_cgroup {
        bool has;
        char path[REPORT_PATH_MAX];             /* "/a/b", relative to the hierarchy root */
        struct memcg_stats stats;               /* at the decision (usage, limit, failcnt, PSI, memory.stat) */
        struct cgroup_derived derived;          /* working set, % of limit, failcnt/s */
        struct report_kv stat[REPORT_STAT_MAX]; /* memory.stat, read after */
        size_t n_stat;
        struct report_kv events[REPORT_EVENTS_MAX]; /* v2 memory.events, read after */
        size_t n_events;
        uint64_t usage_after; /* read after the action: freed_bytes */
        bool has_usage_after;
};

/* What the kernel's own OOM killer said (/dev/kmsg), for REPORT_KERNEL_OOM_KILL. */
struct report_kernel {
        char constraint[32]; /* "CONSTRAINT_NONE", "CONSTRAINT_MEMCG", ... */
        char oom_memcg[REPORT_PATH_MAX];
        char task_memcg[REPORT_PATH_MAX];
        uint64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb;
        int oom_score_adj;
        uint64_t kmsg_usec; /* the record's timestamp, since boot */
};

/* A reclaim: action = reclaim, or reclaim_first before the action. */
struct report_reclaim {
        bool has;
        bool escalated;           /* still over the thresholds: the action ran */
        uint64_t reclaimed_bytes; /* usage before minus after */
        uint64_t asked_bytes;     /* what the plan asked for */
        uint64_t v1_limit;        /* the v1 limit step; 0: v2 memory.reclaim */
        uint64_t ns;              /* the write to the re-read */
};

struct report {
        enum report_kind kind;
        char id[REPORT_ID_MAX]; /* unique, sorts by time: "20261201T102233.123Z-4711-7" */
        uint64_t time_ns;       /* CLOCK_REALTIME at the event */
        char rule[64];          /* the rule's name; "" for a kernel kill */
        char action[24];        /* "kill", "kill-cgroup", "stop", "reclaim", "warn", ... */
        char reason[384];       /* the decision's reason */
        char outcome[160];      /* "killed", "no victim", "still exiting", ... */
        char wakeup[96];        /* what woke the guard */
        bool dry_run;
        struct report_victim victim;
        struct report_cgroup cgroup;     /* has = false: the whole machine */
        struct cgroup_identity identity; /* container and pod, from the cgroup path */
        struct machine_view machine;     /* memory, swap, PSI, watermarks */
        bool has_tasks;
        struct task_counts tasks; /* in scope, at the decision */
        bool tasks_after;         /* report_gather() counted them (the caller had none) */
        struct report_proc top[REPORT_TOP_MAX];
        size_t n_top;
        struct report_candidate candidates[REPORT_CANDIDATES_MAX];
        size_t n_candidates;
        struct report_proc tree[REPORT_TREE_MAX]; /* ancestors (root first), the victim, descendants */
        size_t n_tree;
        bool has_freed;
        int64_t freed_bytes; /* the scope's usage before minus after (may be < 0) */
        struct report_reclaim reclaim;
        struct report_kernel kernel;
        /* report_gather(): */
        char hostname[65];
        bool has_mem_after;
        uint64_t mem_available_after; /* MemAvailable after the action */
        unsigned scope_processes;     /* processes seen in scope (the top's and tree's walk) */
        bool tree_cut;                /* the scope had more processes than the scratch holds */
        uint64_t gather_ns;           /* how long report_gather() took */
};

/* Sets kind, time and a fresh id; clears the rest. Allocates nothing. */
void report_begin(struct report *r, enum report_kind kind, uint64_t realtime_ns);

/* Where report_gather() looks. */
struct report_gather_args {
        const char *root;            /* "/" or a fixture root: /proc is read under it */
        const char *cgroup_dir;      /* the cgroup's directory (joined with its mount) when
                                  * r->cgroup.has; NULL: the whole machine is the scope */
        const char *psi_dir;         /* its memory.pressure's directory (v2: cgroup_dir; hybrid:
                                  * the cgroup2 twin; NULL: none), for read_cgroup_stats */
        enum cgroup_version version; /* of cgroup_dir */
        bool read_cgroup_stats;      /* the caller has no numbers from the decision (a kernel
                                  * OOM kill): read r->cgroup.stats now, no freed_bytes */
};

/* After the action (never on the kill path): fills what can wait into r,
 * which holds the kill path's capture. The cgroup's memory.stat and
 * memory.events (v1: memory.oom_control) and its usage now; MemAvailable
 * now and, unless r->machine.has_mem (the caller copied the snapshot's),
 * the machine's memory, PSI, zones and vmstat; freed_bytes of an action
 * (unless has_freed): the cgroup's usage at the decision minus now, or
 * the machine's MemAvailable now minus at the decision; the identity from
 * r->cgroup.path; the hostname; one walk of the scope (the cgroup and its
 * children, or every process) for the REPORT_TOP_MAX biggest by RSS (then
 * their oom_score and oom_score_adj), the task counts when r->has_tasks
 * is false, and the tree: the victim's ancestors from r->victim.ppid up
 * (root first), the victim (gone or not), its descendants in scope while
 * it lives, else the processes of its process group. Costs one read of
 * /proc/PID/stat per process of the scope, plus ~60 reads; scratch (at
 * least 16 KiB; REPORT_GATHER_SCRATCH) is all the memory it uses beyond
 * r and the stack. Returns 0, or -errno when the scope could not be
 * walked at all (what was gathered stays). */
int report_gather(struct report *r, const struct report_gather_args *a, char *scratch, size_t size);

/* The report as JSON (the file's contract: oomguard(8), REPORTS), NUL-
 * terminated in buf. Returns its length, or -ENOBUFS when size is too
 * small (REPORT_JSON_MAX always suffices). Pure, allocates nothing. */
int report_json(const struct report *r, char *buf, size_t size);

/* "action", "kernel-oom-kill", "warning". */
const char *report_kind_to_string(enum report_kind k);
/* RFC 3339 in UTC with milliseconds, "2026-12-01T10:22:33.123Z", or with
 * compact = true as in ids and file names, "20261201T102233.123Z". */
void report_format_time(uint64_t realtime_ns, bool compact, char *buf, size_t size);
/* The other way: the RFC 3339 form above (UTC, "Z", optional fraction) to
 * nanoseconds. -EINVAL when s is not one. */
int report_parse_time(const char *s, uint64_t *ret_ns);
