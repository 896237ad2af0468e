/* /proc/PID/{stat,status,oom_score,oom_score_adj,cgroup}.
 * stat is parsed from the LAST ')' so that a comm such as "a) R 1 (b"
 * cannot shift the fields. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define COMM_MAX 64 /* the kernel's TASK_COMM_LEN is 16; be generous */

struct proc_stat {
        pid_t pid;
        char comm[COMM_MAX];
        char state; /* R S D Z T t X I ... */
        pid_t ppid, pgrp, session;
        uint64_t flags;     /* PF_* (PF_KTHREAD = 0x00200000) */
        uint64_t starttime; /* clock ticks since boot: identity check */
        uint64_t vsize;     /* bytes */
        uint64_t rss_pages;
        long num_threads;
};

struct proc_status {
        uid_t uid;                                                       /* real uid */
        uint64_t vm_rss, rss_anon, rss_file, rss_shmem, vm_swap, vm_pte; /* bytes */
        bool has_vm_rss;                                                 /* kernel threads have no VmRSS */
        pid_t ns_pid; /* pid in its own namespace (NSpid, last); 0 = unknown */
};

#define PF_EXITING 0x00000004 /* in do_exit: its resources are going */
#define PF_KTHREAD 0x00200000

int parse_proc_stat(const char *buf, size_t len, struct proc_stat *ret);
int parse_proc_status(const char *buf, size_t len, struct proc_status *ret);
/* A hex mask line of /proc/PID/status ("CapEff:", "SigPnd:", "ShdPnd:").
 * -ENOENT when the line is missing or cut short, -EINVAL when not hex. */
int parse_status_mask(const char *buf, size_t len, const char *key, uint64_t *ret);
/* Its effective capability set (CapEff:). */
int parse_status_cap_eff(const char *buf, size_t len, uint64_t *ret);
/* oom_score and oom_score_adj: one signed decimal. */
int parse_int_value(const char *buf, size_t len, int *ret);
/* /proc/PID/cgroup: v1 line "4:memory:/a/b" or v2 line "0::/a/b". Finds
 * the path for the given v1 controller, or the v2 path when controller is
 * NULL. ret must hold size bytes. -ENOENT when absent, -EBADMSG when the
 * hierarchy has two lines (a newline in a cgroup's name). */
int parse_proc_cgroup(const char *buf, size_t len, const char *controller, char *ret, size_t size);

/* Readers: root is the fake or real filesystem root. -ESRCH when the
 * process vanished. */
int read_proc_stat(const char *root, pid_t pid, struct proc_stat *ret);
int read_proc_status(const char *root, pid_t pid, struct proc_status *ret);
int read_proc_oom_score(const char *root, pid_t pid, int *ret);
int read_proc_oom_score_adj(const char *root, pid_t pid, int *ret);
/* The path as a path in the hierarchy's mount (sources/cgroup_view.h). */
int read_proc_cgroup(const char *root, pid_t pid, const char *controller, char *ret, size_t size);
/* The command line with its arguments joined by spaces (truncated to
 * size). Kernel threads give "". */
int read_proc_cmdline(const char *root, pid_t pid, char *buf, size_t size);
/* The executable's path (readlink of /proc/PID/exe), a replaced binary's
 * " (deleted)" cut. Kernel threads have none (-ENOENT). */
int read_proc_exe(const char *root, pid_t pid, char *buf, size_t size);
