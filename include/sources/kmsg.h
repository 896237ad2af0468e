/* The kernel's own OOM kills, read from /dev/kmsg.
 *
 * A /dev/kmsg record (Documentation/ABI/testing/dev-kmsg) is
 *   PRI,SEQ,TS_USEC,FLAGS[,MORE...];MESSAGE\n[ KEY=VALUE\n]...
 * one per read(). The kernel reports one OOM kill in two lines that this
 * file joins into one struct kmsg_oom_event:
 *   oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,
 *     oom_memcg=/a,task_memcg=/a/b,task=hog,pid=123,uid=0            (4.19 and later)
 *   Memory cgroup out of memory: Killed process 123 (hog) total-vm:..kB, anon-rss:..kB,
 *     file-rss:..kB, shmem-rss:..kB, UID:0 pgtables:..kB oom_score_adj:0
 * The first line is rate limited with the rest of the OOM report; the
 * second is always printed. Older kernels print other lines (the
 * parser's file lists each format and where it comes from).
 *
 * The parser is pure and allocates nothing: its state lives in the
 * caller's struct kmsg_oom_parser (about 12 KiB). The reader is a file
 * descriptor and a sequence number. Neither logs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KMSG_RECORD_MAX 8192  /* the largest record a read() returns (CONSOLE_EXT_LOG_MAX) */
#define KMSG_PATH_MAX 512     /* cgroup paths kept; as REPORT_PATH_MAX */
#define KMSG_COMM_MAX 64      /* as COMM_MAX */
#define KMSG_SUMMARY_MAX 4096 /* the oom-kill line, with its continuation fragments */
#define KMSG_QUEUE_MAX 4      /* events ready at once (one record makes at most 2) */

/* One record's header and its text (the first line only; the KEY=VALUE
 * lines that may follow are not part of it). msg points into the buffer
 * given to parse_kmsg_record(), still escaped as the kernel wrote it
 * (non-printable bytes and '\' as "\xNN"). */
struct kmsg_record {
        unsigned facility; /* 0 = the kernel; user space cannot write facility 0 */
        unsigned level;    /* syslog level, 0 (emerg) .. 7 (debug) */
        uint64_t seq;
        uint64_t usec; /* the kernel's timestamp, microseconds since boot */
        char flag;     /* '-'; 'c' or '+': a fragment of a line (a pr_cont that became its own record) */
        const char *msg;
        size_t msg_len;
};

/* Pure: -EBADMSG when buf is not a record (no header, no ';'). */
int parse_kmsg_record(const char *buf, size_t len, struct kmsg_record *ret);

enum kmsg_oom_outcome {
        KMSG_OOM_KILLED,      /* "Killed process N": the kernel sent SIGKILL */
        KMSG_OOM_UNCONFIRMED, /* the report (oom-kill: line) without its Killed line: lost, or not yet
                               * come when flushed */
        KMSG_OOM_EXITING,     /* "OOM victim N (comm) is already exiting. Skip killing the task" */
};

struct kmsg_oom_event {
        enum kmsg_oom_outcome outcome;
        bool has_context;               /* the oom-kill: line (or the older "Task in ... killed as a
                                     * result of limit of ...") was seen */
        char constraint[32];            /* "CONSTRAINT_NONE", "CONSTRAINT_MEMCG", ...; "" = unknown */
        char message[48];               /* the kernel's reason: "Memory cgroup out of memory",
                                     * "Out of memory", ...; "" = unknown */
        bool memcg;                     /* a memory cgroup's own limit (not the machine's memory) */
        bool oom_group;                 /* killed with its cgroup (memory.oom.group), after the victim */
        char oom_memcg[KMSG_PATH_MAX];  /* the cgroup that hit its limit; "" = global or unknown */
        char task_memcg[KMSG_PATH_MAX]; /* the victim's cgroup; "" = unknown */
        pid_t pid;                      /* the victim; 0 = unknown */
        char comm[KMSG_COMM_MAX];       /* unescaped; "" = unknown */
        bool has_uid;
        uid_t uid;
        bool has_rss; /* total-vm, anon-rss, file-rss */
        uint64_t total_vm_kb, anon_rss_kb, file_rss_kb;
        bool has_shmem_rss; /* 4.5 and later */
        uint64_t shmem_rss_kb;
        bool has_pgtables; /* 5.x and later, with oom_score_adj */
        uint64_t pgtables_kb;
        bool has_oom_score_adj;
        int oom_score_adj;
        uint64_t seq, usec; /* the record that completed the event (the Killed line, else the oom-kill line) */
        bool cut;           /* a path or the comm was longer than its field, or the kernel cut the line */
};

struct kmsg_oom_parser {
        /* the OOM report being put together: the oom-kill: line's raw text
         * (fragments appended) and what the other lines said */
        bool open;
        char summary[KMSG_SUMMARY_MAX];
        size_t summary_len;
        bool summary_cut;
        struct kmsg_oom_event cur;
        bool intent; /* cur has a "Kill process ... or sacrifice child" line (before 5.1) */
        /* the last kill with its report, and whether memory.oom.group is
         * now killing the rest of its cgroup (for up to a second) */
        bool group;
        uint64_t group_usec;
        struct kmsg_oom_event last;
        /* the last sequence number seen, to notice records lost in between */
        bool has_seq;
        uint64_t last_seq;
        struct kmsg_oom_event queue[KMSG_QUEUE_MAX];
        unsigned q_head, q_len;
        uint64_t dropped; /* events lost because the caller did not take them */
};

void kmsg_oom_parser_init(struct kmsg_oom_parser *p);

/* Feeds one record as read from /dev/kmsg. Records it does not
 * understand, and records not from the kernel (facility != 0), are
 * ignored; nothing in rec is trusted. Returns the number of events
 * ready to take (call kmsg_oom_parser_take() until it returns false
 * after every feed: the queue holds KMSG_QUEUE_MAX). */
int kmsg_oom_parser_feed(struct kmsg_oom_parser *p, const char *rec, size_t len);

/* An OOM report whose Killed line has not come is put out as
 * KMSG_OOM_UNCONFIRMED. Returns the number of events ready. */
int kmsg_oom_parser_flush(struct kmsg_oom_parser *p);

/* True while an OOM report is waiting for its Killed line. */
bool kmsg_oom_parser_pending(const struct kmsg_oom_parser *p);

/* Pops the oldest ready event into ret; false when there is none. */
bool kmsg_oom_parser_take(struct kmsg_oom_parser *p, struct kmsg_oom_event *ret);

/* The reader: /dev/kmsg opened at its end. */
struct kmsg_reader {
        int fd;
        bool has_seq;
        uint64_t next_seq;   /* the sequence number expected next */
        uint64_t lost;       /* records missed since open: overwritten before they were read
                              * (EPIPE) or longer than the caller's buffer (EINVAL) */
        uint64_t overwrites; /* times the kernel said EPIPE */
};

/* Opens root + "/dev/kmsg" read-only, non-blocking, close-on-exec, and
 * seeks to its end: only records written from now on are read. Returns
 * 0 or -errno (-ENOENT: no /dev/kmsg; -EPERM: kernel.dmesg_restrict
 * without CAP_SYSLOG). */
int kmsg_open(const char *root, struct kmsg_reader *r);
/* The same over an fd the caller opened (one record per read()); the
 * reader owns it from now on. */
void kmsg_reader_init_fd(struct kmsg_reader *r, int fd);

/* Reads the next record into buf (NUL-terminated; size KMSG_RECORD_MAX + 1
 * holds any). Returns its length, 0 when none is waiting, or -errno.
 * Overwritten records (EPIPE) and records longer than buf (EINVAL) are
 * counted in r->lost and skipped: the next record is returned. */
ssize_t kmsg_read_record(struct kmsg_reader *r, char *buf, size_t size);

void kmsg_close(struct kmsg_reader *r);
