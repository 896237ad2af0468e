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
#define REPORT_STAT_MAX 64  /* memory.stat lines kept */
#define REPORT_EVENTS_MAX 8 /* memory.events lines kept (v2) */

struct report_kv {
        char key[40];
        uint64_t value;
};

enum report_kind {
        REPORT_ACTION,          /* oomguard acted (or would have: dry run, warn) */
        REPORT_KERNEL_OOM_KILL, /* the kernel's own OOM killer, seen in /dev/kmsg: a miss */
        REPORT_WARNING,         /* an early warning (no action) */
};

struct report_proc {
        pid_t pid, ppid;
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
        uid_t uid;
        char state;
        uint64_t rss_bytes, swap_bytes;
        int oom_score, oom_score_adj;
        uint64_t start_time_ticks; /* /proc/PID/stat starttime: clock ticks since boot */
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
        struct report_proc top[REPORT_TOP_MAX];
        size_t n_top;
        struct report_candidate candidates[REPORT_CANDIDATES_MAX];
        size_t n_candidates;
        struct report_proc tree[REPORT_TREE_MAX]; /* ancestors (root first), the victim, descendants */
        size_t n_tree;
        bool has_freed;
        int64_t freed_bytes; /* the scope's usage before minus after (may be < 0) */
        struct report_kernel kernel;
};

/* Sets kind, time and a fresh id; clears the rest. Allocates nothing. */
void report_begin(struct report *r, enum report_kind kind, uint64_t realtime_ns);
