/* The kernel's OOM-kill lines, one at a time. Pure and bounded: every
 * scan stops at the end of the text it was given. The formats are the
 * kernel's, but the names in them (a comm, a cgroup path, a cpuset name)
 * are anyone's, so fields are found from the fixed and numeric parts of
 * each format, from the right where a name comes first.
 *
 * The formats (mm/oom_kill.c, mm/memcontrol.c):
 * - 4.19 and later, dump_oom_summary() / dump_oom_victim() with
 *   mem_cgroup_print_oom_context(), one line built with pr_cont():
 *     oom-kill:constraint=%s,nodemask=%*pbl[,cpuset=NAME,mems_allowed=%*pbl]
 *       (,oom_memcg=PATH|,global_oom)[,task_memcg=PATH],task=%s,pid=%d,uid=%d
 *   (4.19 and 4.20 printed ",oom_memcg=" with pr_info(): a record of its
 *   own, starting with ','; kmsg_parse.c joins such fragments.)
 * - 5.1 and later, __oom_kill_process():
 *     %s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB,
 *       shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd
 *   (UID from 5.3, pgtables and oom_score_adj later; all three in 5.15, in
 *   Debian's 6.1 and in 6.18.) %s is "Memory cgroup out of memory", "Out of
 *   memory" or "Out of memory (oom_kill_allocating_task)".
 * - before 5.1: "Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB,
 *   file-rss:%lukB[, shmem-rss:%lukB]" (shmem-rss from 4.5), after
 *   "%s: Kill process %d (%s) score %u or sacrifice child", and before
 *   4.19 "Task in PATH killed as a result of limit of PATH" for a memcg.
 * - "%s: OOM victim %d (%s) is already exiting. Skip killing the task"
 *   (no kill), "Tasks in PATH are going to be killed due to
 *   memory.oom.group set" (the group's other tasks follow, each with its
 *   Killed line), "%s invoked oom-killer: gfp_mask=..." (a new report). */
#include <limits.h>
#include <string.h>

#include "kmsg_internal.h"
#include "sources/kv.h"

const char *kmsg_find(const char *p, const char *end, const char *s) {
        size_t n = strlen(s);
        if (!p || p >= end || (size_t)(end - p) < n)
                return NULL;
        return memmem(p, (size_t)(end - p), s, n);
}

const char *kmsg_rfind(const char *p, const char *end, const char *s) {
        size_t n = strlen(s);
        if (!p || p >= end || (size_t)(end - p) < n)
                return NULL;
        for (const char *q = end - n;; q--) {
                if (memcmp(q, s, n) == 0)
                        return q;
                if (q == p)
                        return NULL;
        }
}

bool kmsg_starts(const char *p, const char *end, const char *s) {
        size_t n = strlen(s);
        return p && p <= end && (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

static int hex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

bool kmsg_unescape(char *dst, size_t size, const char *src, size_t n) {
        size_t o = 0;
        if (size == 0)
                return n == 0;
        for (size_t i = 0; i < n;) {
                char c = src[i];
                size_t step = 1;
                if (c == '\\' && n - i >= 4 && src[i + 1] == 'x' && hex_digit(src[i + 2]) >= 0 &&
                    hex_digit(src[i + 3]) >= 0) {
                        int v = hex_digit(src[i + 2]) * 16 + hex_digit(src[i + 3]);
                        if (v != 0) /* a NUL would end the string: keep "\x00" as written */
                                c = (char)v, step = 4;
                }
                if (o + 1 >= size) {
                        dst[o] = '\0';
                        return false;
                }
                dst[o++] = c;
                i += step;
        }
        dst[o] = '\0';
        return true;
}

static void copy_field(char *dst, size_t size, const char *b, const char *e, struct kmsg_oom_event *ev) {
        if (!kmsg_unescape(dst, size, b, (size_t)(e - b)))
                ev->cut = true;
}

/* [p, end) is exactly a decimal, '-' allowed (the kernel prints uids with
 * %d in the oom-kill line: 4294967295 reads "-1"). */
static bool whole_int(const char *p, const char *end, bool allow_minus, int64_t lo, int64_t hi, int64_t *ret) {
        bool neg = false;
        uint64_t v;
        while (p < end && *p == ' ') /* "%5d" in some 4.x backports */
                p++;
        if (allow_minus && p < end && *p == '-')
                neg = true, p++;
        if (parse_u64_at(&p, end, &v) < 0 || p != end || v > (uint64_t)INT64_MAX)
                return false;
        int64_t s = neg ? -(int64_t)v : (int64_t)v;
        if (s < lo || s > hi)
                return false;
        *ret = s;
        return true;
}

/* B is A or below it: "/a/b" under "/a", anything under "/". */
static bool path_under(const char *b, const char *be, const char *a, const char *ae) {
        size_t bn = (size_t)(be - b), an = (size_t)(ae - a);
        if (an == 1 && a[0] == '/')
                return bn > 0 && b[0] == '/';
        return bn >= an && memcmp(a, b, an) == 0 && (bn == an || b[an] == '/');
}

/* After ",mems_allowed=": the node list the kernel printed ("0", "0-3,5"). */
static const char *skip_nodelist(const char *p, const char *end) {
        while (p < end) {
                if ((*p >= '0' && *p <= '9') || *p == '-')
                        p++;
                else if (*p == ',' && p + 1 < end && p[1] >= '0' && p[1] <= '9')
                        p++;
                else
                        break;
        }
        return p;
}

/* ",oom_memcg=A,task_memcg=B": A names contain anything, so take the
 * ",task_memcg=" after which B is A or below it (the victim is always in
 * the cgroup that hit its limit), else the first. */
static void memcg_pair(const char *a, const char *end, struct kmsg_oom_event *ev) {
        static const char sep[] = ",task_memcg=";
        const char *first = kmsg_find(a, end, sep), *pick = first;
        for (const char *q = first; q; q = kmsg_find(q + 1, end, sep))
                if (path_under(q + sizeof(sep) - 1, end, a, q)) {
                        pick = q;
                        break;
                }
        copy_field(ev->oom_memcg, sizeof(ev->oom_memcg), a, pick ? pick : end, ev);
        if (pick)
                copy_field(ev->task_memcg, sizeof(ev->task_memcg), pick + sizeof(sep) - 1, end, ev);
}

/* ",uid=N" at the very end. */
static const char *uid_tail(const char *p, const char *end, int64_t *ret) {
        const char *u = kmsg_rfind(p, end, ",uid=");
        return u && whole_int(u + 5, end, true, INT32_MIN, UINT32_MAX, ret) ? u : NULL;
}

bool kmsg_summary_complete(const char *text, size_t len) {
        int64_t v;
        return uid_tail(text, text + len, &v) != NULL;
}

/* ",task=COMM" ending at e: the one whose COMM is the Killed line's when
 * it fits there, else the last. */
static const char *task_marker(const char *p, const char *e, const char *hint, size_t hint_len) {
        if (hint && (size_t)(e - p) >= hint_len + 6 && memcmp(e - hint_len - 6, ",task=", 6) == 0 &&
            memcmp(e - hint_len, hint, hint_len) == 0)
                return e - hint_len - 6;
        return kmsg_rfind(p, e, ",task=");
}

void kmsg_parse_summary(const char *text, size_t len, const char *hint, size_t hint_len, struct kmsg_oom_event *ev) {
        const char *p = text, *end = text + len, *ctx_end = end, *pd, *t;
        int64_t uid, pid;
        ev->has_context = true;
        const char *c = kmsg_find(p, end, "constraint=");
        if (c) {
                c += 11;
                const char *ce = c;
                while (ce < end && *ce != ',')
                        ce++;
                copy_field(ev->constraint, sizeof(ev->constraint), c, ce, ev);
                p = ce;
        }
        const char *u = uid_tail(p, end, &uid);
        if (u && (pd = kmsg_rfind(p, u, ",pid=")) && whole_int(pd + 5, u, false, 1, INT_MAX, &pid)) {
                ev->has_uid = true, ev->uid = (uid_t)uid, ev->pid = (pid_t)pid;
                if ((t = task_marker(p, pd, hint, hint_len))) {
                        copy_field(ev->comm, sizeof(ev->comm), t + 6, pd, ev);
                        ctx_end = t;
                }
        } else { /* cut short (the kernel's line limit) or garbled: keep what is there */
                ev->cut = true;
                if ((t = kmsg_rfind(p, end, ",task=")))
                        ctx_end = t;
        }
        const char *ma = kmsg_find(p, ctx_end, ",mems_allowed=");
        if (ma)
                p = skip_nodelist(ma + 14, ctx_end);
        const char *om = kmsg_find(p, ctx_end, ",oom_memcg="), *gl = kmsg_find(p, ctx_end, ",global_oom");
        if (om && (!gl || om < gl)) {
                memcg_pair(om + 11, ctx_end, ev);
        } else {
                const char *tm = kmsg_find(gl ? gl : p, ctx_end, ",task_memcg=");
                if (tm)
                        copy_field(ev->task_memcg, sizeof(ev->task_memcg), tm + 12, ctx_end, ev);
        }
}

/* "[MESSAGE: ]MARKER N (COMM)TAIL...": MARKER at the start or after ": ",
 * COMM up to the last TAIL (a comm may hold ") total-vm:" itself: the real
 * one is the last). Returns where TAIL starts, or NULL. */
static const char *victim_line(const char *text, size_t len, const char *marker, const char *tail,
                               struct kmsg_oom_event *ev, const char **ret_comm, size_t *ret_comm_len) {
        const char *end = text + len, *k = kmsg_find(text, end, marker);
        uint64_t pid;
        if (!k || (k != text && !(k - text >= 2 && k[-2] == ':' && k[-1] == ' ')))
                return NULL;
        const char *p = k + strlen(marker);
        if (parse_u64_at(&p, end, &pid) < 0 || pid == 0 || pid > INT_MAX || !kmsg_starts(p, end, " ("))
                return NULL;
        const char *cs = p + 2, *ce = kmsg_rfind(cs, end, tail);
        if (!ce)
                return NULL;
        ev->pid = (pid_t)pid;
        copy_field(ev->comm, sizeof(ev->comm), cs, ce, ev);
        if (k != text)
                copy_field(ev->message, sizeof(ev->message), text, k - 2, ev);
        if (ret_comm)
                *ret_comm = cs, *ret_comm_len = (size_t)(ce - cs);
        return ce;
}

/* One "key:value[kB]" of the Killed line's tail. */
static void size_token(const char *tok, const char *te, struct kmsg_oom_event *ev) {
        static const struct {
                const char *key;
                size_t off;
                size_t has;
        } keys[] = {
                { "total-vm:", offsetof(struct kmsg_oom_event, total_vm_kb), offsetof(struct kmsg_oom_event, has_rss) },
                { "anon-rss:", offsetof(struct kmsg_oom_event, anon_rss_kb), 0 },
                { "file-rss:", offsetof(struct kmsg_oom_event, file_rss_kb), 0 },
                { "shmem-rss:", offsetof(struct kmsg_oom_event, shmem_rss_kb),
                  offsetof(struct kmsg_oom_event, has_shmem_rss) },
                { "pgtables:", offsetof(struct kmsg_oom_event, pgtables_kb),
                  offsetof(struct kmsg_oom_event, has_pgtables) },
        };
        int64_t v;
        if (te > tok && te[-1] == ',')
                te--;
        if (kmsg_starts(tok, te, "UID:")) {
                if (whole_int(tok + 4, te, false, 0, UINT32_MAX, &v))
                        ev->has_uid = true, ev->uid = (uid_t)v;
                return;
        }
        if (kmsg_starts(tok, te, "oom_score_adj:")) {
                if (whole_int(tok + 14, te, true, -1000, 1000, &v))
                        ev->has_oom_score_adj = true, ev->oom_score_adj = (int)v;
                return;
        }
        if (te - tok >= 2 && memcmp(te - 2, "kB", 2) == 0)
                te -= 2;
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                if (!kmsg_starts(tok, te, keys[i].key))
                        continue;
                if (whole_int(tok + strlen(keys[i].key), te, false, 0, INT64_MAX, &v)) {
                        *(uint64_t *)(void *)((char *)ev + keys[i].off) = (uint64_t)v;
                        if (keys[i].has)
                                *(bool *)((char *)ev + keys[i].has) = true;
                }
                return;
        }
}

bool kmsg_parse_killed(const char *text, size_t len, struct kmsg_oom_event *ev, const char **ret_comm,
                       size_t *ret_comm_len) {
        const char *end = text + len,
                   *p = victim_line(text, len, "Killed process ", ") total-vm:", ev, ret_comm, ret_comm_len);
        const char *tok;
        size_t n;
        if (!p)
                return false;
        p += 2;
        while ((n = kv_token(&p, end, &tok)) > 0)
                size_token(tok, tok + n, ev);
        return ev->has_rss;
}

bool kmsg_parse_exiting(const char *text, size_t len, struct kmsg_oom_event *ev, const char **ret_comm,
                        size_t *ret_comm_len) {
        return victim_line(text, len, "OOM victim ", ") is already exiting", ev, ret_comm, ret_comm_len) != NULL;
}

bool kmsg_parse_intent(const char *text, size_t len, struct kmsg_oom_event *ev) {
        return victim_line(text, len, "Kill process ", ") score ", ev, NULL, NULL) != NULL;
}

bool kmsg_parse_task_in(const char *text, size_t len, struct kmsg_oom_event *ev) {
        static const char sep[] = " killed as a result of limit of ";
        const char *end = text + len, *x = text + 8;
        if (!kmsg_starts(text, end, "Task in "))
                return false;
        const char *first = kmsg_find(x, end, sep), *pick = first;
        if (!first)
                return false;
        for (const char *q = first; q; q = kmsg_find(q + 1, end, sep))
                if (path_under(x, q, q + sizeof(sep) - 1, end)) {
                        pick = q;
                        break;
                }
        ev->has_context = true;
        /* the kernel printed this line for a memcg OOM only */
        strcpy(ev->constraint, "CONSTRAINT_MEMCG");
        copy_field(ev->task_memcg, sizeof(ev->task_memcg), x, pick, ev);
        copy_field(ev->oom_memcg, sizeof(ev->oom_memcg), pick + sizeof(sep) - 1, end, ev);
        return true;
}

bool kmsg_is_oom_group(const char *text, size_t len) {
        static const char tail[] = " are going to be killed due to memory.oom.group set";
        const char *end = text + len;
        return kmsg_starts(text, end, "Tasks in ") && len >= sizeof(tail) - 1 + 9 &&
               memcmp(end - (sizeof(tail) - 1), tail, sizeof(tail) - 1) == 0;
}

bool kmsg_is_invoked(const char *text, size_t len) {
        const char *end = text + len, *k = kmsg_find(text, end, " invoked oom-killer: ");
        /* "%s invoked oom-killer: gfp_mask=": the %s is a comm, short */
        return k && k - text <= 4 * KMSG_COMM_MAX && kmsg_starts(k + 21, end, "gfp_mask=");
}
