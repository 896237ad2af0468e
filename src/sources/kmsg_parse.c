/* /dev/kmsg records, and the state machine that joins the kernel's OOM
 * report lines into one event per kill. Pure: no I/O, no allocation (the
 * state is the caller's struct kmsg_oom_parser), nothing in a record
 * trusted. The line formats are in kmsg_lines.c.
 *
 * A report is open from its first line (oom-kill:, or before 4.19
 * "Task in ... killed as a result of limit of ...", or "Kill process")
 * until its Killed line (an event KMSG_OOM_KILLED) or its "already
 * exiting" line (KMSG_OOM_EXITING). It is put out as
 * KMSG_OOM_UNCONFIRMED when the next report begins, when records were
 * lost in between (a gap in the sequence numbers), or on a flush. A
 * Killed line with no open report (the report is rate limited, the
 * Killed line never is) is an event of its own. */
#include <errno.h>
#include <string.h>

#include "kmsg_internal.h"
#include "sources/kv.h"
#include "util.h"

/* "PRI,SEQ,TS_USEC,FLAGS[,MORE...];MESSAGE\n[ KEY=VALUE\n]..." */
int parse_kmsg_record(const char *buf, size_t len, struct kmsg_record *ret) {
        const char *p = buf, *end = buf + len;
        uint64_t pri, seq, usec;
        if (parse_u64_at(&p, end, &pri) < 0 || pri > 0xffffff || !kmsg_starts(p, end, ",") ||
            (++p, parse_u64_at(&p, end, &seq) < 0) || !kmsg_starts(p, end, ",") ||
            (++p, parse_u64_at(&p, end, &usec) < 0) || !kmsg_starts(p, end, ",") || end - p < 2)
                return -EBADMSG;
        char flag = p[1];
        if (flag == '\n') /* no flag: what follows is the next line's */
                return -EBADMSG;
        p += 2;
        /* "Future extensions might add more comma separated values before
         * the terminating ';'" (caller=T123 with CONFIG_PRINTK_CALLER) */
        while (p < end && *p != ';' && *p != '\n')
                p++;
        if (p == end || *p != ';' || flag == ';')
                return -EBADMSG;
        const char *msg = ++p;
        while (p < end && *p != '\n')
                p++;
        *ret = (struct kmsg_record){ .facility = (unsigned)(pri >> 3),
                                     .level = (unsigned)(pri & 7),
                                     .seq = seq,
                                     .usec = usec,
                                     .flag = flag,
                                     .msg = msg,
                                     .msg_len = (size_t)(p - msg) };
        return 0;
}

void kmsg_oom_parser_init(struct kmsg_oom_parser *p) { memset(p, 0, sizeof(*p)); }

static void push(struct kmsg_oom_parser *p, struct kmsg_oom_event *ev) {
        ev->memcg = strcmp(ev->constraint, "CONSTRAINT_MEMCG") == 0 || ev->oom_memcg[0] ||
                    strncmp(ev->message, "Memory cgroup", 13) == 0;
        if (p->q_len == KMSG_QUEUE_MAX) {
                p->dropped++;
                return;
        }
        p->queue[(p->q_head + p->q_len) % KMSG_QUEUE_MAX] = *ev;
        p->q_len++;
}

static void reset_report(struct kmsg_oom_parser *p) {
        p->open = false;
        p->intent = false;
        p->summary_len = 0;
        p->summary_cut = false;
        memset(&p->cur, 0, sizeof(p->cur));
}

/* The oom-kill: text, parsed now that its Killed line (comm hint) or the
 * end of the report is here. */
static void parse_summary_into_cur(struct kmsg_oom_parser *p, const char *hint, size_t hint_len) {
        if (p->summary_len == 0)
                return;
        kmsg_parse_summary(p->summary, p->summary_len, hint, hint_len, &p->cur);
        if (p->summary_cut)
                p->cur.cut = true;
}

static void close_report(struct kmsg_oom_parser *p) {
        if (!p->open)
                return;
        parse_summary_into_cur(p, NULL, 0);
        p->cur.outcome = KMSG_OOM_UNCONFIRMED;
        push(p, &p->cur);
        reset_report(p);
}

static void open_report(struct kmsg_oom_parser *p, const struct kmsg_record *r) {
        close_report(p);
        p->group = false;
        p->open = true;
        p->cur.seq = r->seq;
        p->cur.usec = r->usec;
}

static void append_summary(struct kmsg_oom_parser *p, const char *s, size_t n) {
        size_t room = sizeof(p->summary) - p->summary_len;
        if (n > room)
                n = room, p->summary_cut = true;
        memcpy(p->summary + p->summary_len, s, n);
        p->summary_len += n;
}

/* The victim line's fields over the report's: the Killed line is the
 * kernel's word on who died. */
static void take_victim(struct kmsg_oom_event *ev, const struct kmsg_oom_event *v, const struct kmsg_record *r) {
        ev->pid = v->pid;
        memcpy(ev->comm, v->comm, sizeof(ev->comm));
        if (v->message[0])
                memcpy(ev->message, v->message, sizeof(ev->message));
        if (v->has_uid)
                ev->has_uid = true, ev->uid = v->uid;
        ev->has_rss = v->has_rss;
        ev->total_vm_kb = v->total_vm_kb, ev->anon_rss_kb = v->anon_rss_kb, ev->file_rss_kb = v->file_rss_kb;
        ev->has_shmem_rss = v->has_shmem_rss, ev->shmem_rss_kb = v->shmem_rss_kb;
        ev->has_pgtables = v->has_pgtables, ev->pgtables_kb = v->pgtables_kb;
        ev->has_oom_score_adj = v->has_oom_score_adj, ev->oom_score_adj = v->oom_score_adj;
        ev->cut |= v->cut;
        ev->seq = r->seq;
        ev->usec = r->usec;
}

/* A member of a memory.oom.group kill: the group's report holds for it,
 * within a second of the group's line and with the same reason. */
static bool is_group_member(const struct kmsg_oom_parser *p, const struct kmsg_oom_event *v,
                            const struct kmsg_record *r) {
        return p->group && r->usec >= p->group_usec && r->usec - p->group_usec <= USEC_PER_SEC &&
               strcmp(v->message, p->last.message) == 0;
}

static void on_victim(struct kmsg_oom_parser *p, struct kmsg_oom_event *v, enum kmsg_oom_outcome outcome,
                      const char *comm, size_t comm_len, const struct kmsg_record *r) {
        struct kmsg_oom_event *ev = &p->cur;
        if (p->open) {
                parse_summary_into_cur(p, comm, comm_len);
        } else if (is_group_member(p, v, r)) {
                if (v->pid == p->last.pid) /* the group's scan meets the victim again: the same kill */
                        return;
                *ev = p->last;
                ev->task_memcg[0] = '\0'; /* somewhere in the group's cgroup */
                ev->has_uid = false;
                ev->oom_group = true;
        } else {
                memset(ev, 0, sizeof(*ev));
        }
        take_victim(ev, v, r);
        ev->outcome = outcome;
        if (outcome == KMSG_OOM_KILLED && ev->has_context && !ev->oom_group)
                p->last = *ev;
        push(p, ev);
        reset_report(p);
}

/* A record of an open oom-kill: line that is a piece of it: a fragment
 * ('c', '+': a pr_cont that could not be appended), or a record starting
 * with ',' (4.19's pr_info(",oom_memcg=")). */
static bool continues_summary(const struct kmsg_oom_parser *p, const struct kmsg_record *r) {
        return p->open && p->summary_len > 0 && !kmsg_summary_complete(p->summary, p->summary_len) &&
               (r->flag == 'c' || r->flag == '+' || (r->msg_len > 0 && r->msg[0] == ','));
}

static void on_text(struct kmsg_oom_parser *p, const struct kmsg_record *r) {
        const char *t = r->msg, *comm;
        size_t n = r->msg_len, comm_len;
        struct kmsg_oom_event v;
        memset(&v, 0, sizeof(v));
        if (kmsg_starts(t, t + n, "oom-kill:")) {
                open_report(p, r);
                append_summary(p, t, n);
        } else if (continues_summary(p, r)) {
                append_summary(p, t, n);
        } else if (kmsg_is_oom_group(t, n)) {
                p->group = p->last.has_context && p->last.usec <= r->usec && r->usec - p->last.usec <= USEC_PER_SEC;
                p->group_usec = r->usec;
        } else if (kmsg_parse_task_in(t, n, &v)) {
                open_report(p, r);
                p->cur = v;
                p->cur.seq = r->seq, p->cur.usec = r->usec;
        } else if (kmsg_is_invoked(t, n)) {
                close_report(p);
                p->group = false;
        } else if (kmsg_parse_killed(t, n, &v, &comm, &comm_len)) {
                on_victim(p, &v, KMSG_OOM_KILLED, comm, comm_len, r);
        } else if (memset(&v, 0, sizeof(v)), kmsg_parse_exiting(t, n, &v, &comm, &comm_len)) {
                on_victim(p, &v, KMSG_OOM_EXITING, comm, comm_len, r);
        } else if (memset(&v, 0, sizeof(v)), kmsg_parse_intent(t, n, &v)) {
                if (!p->open || p->intent)
                        open_report(p, r);
                p->intent = true;
                p->cur.pid = v.pid;
                memcpy(p->cur.comm, v.comm, sizeof(v.comm));
                if (!p->cur.message[0])
                        memcpy(p->cur.message, v.message, sizeof(v.message));
        }
}

int kmsg_oom_parser_feed(struct kmsg_oom_parser *p, const char *rec, size_t len) {
        struct kmsg_record r;
        if (parse_kmsg_record(rec, len, &r) < 0)
                return (int)p->q_len;
        /* Every record counts here, whoever wrote it: a gap means lost
         * records, perhaps the Killed line the open report waits for. */
        if (p->has_seq && r.seq != p->last_seq + 1) {
                close_report(p);
                p->group = false;
        }
        p->has_seq = true;
        p->last_seq = r.seq;
        if (r.facility == 0) /* LOG_KERN: user space cannot inject it */
                on_text(p, &r);
        return (int)p->q_len;
}

int kmsg_oom_parser_flush(struct kmsg_oom_parser *p) {
        close_report(p);
        return (int)p->q_len;
}

bool kmsg_oom_parser_pending(const struct kmsg_oom_parser *p) { return p->open; }

bool kmsg_oom_parser_take(struct kmsg_oom_parser *p, struct kmsg_oom_event *ret) {
        if (p->q_len == 0)
                return false;
        *ret = p->queue[p->q_head];
        p->q_head = (p->q_head + 1) % KMSG_QUEUE_MAX;
        p->q_len--;
        return true;
}
