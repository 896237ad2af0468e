/* libFuzzer entry for the /dev/kmsg OOM-kill parser, the whole of it:
 * records (parse_kmsg_record), the state machine joining a report's lines
 * and pr_cont fragments into events (feed, take), and the flush at the
 * end. The input is fed twice, each record in a heap block of exactly its
 * size: split as a read() of /dev/kmsg returns it (a line and the
 * " KEY=VALUE" continuation lines after it, one record), and split at
 * every '\n' (each continuation line a record of its own, which the parser
 * must shrug off: it has no header). Every event taken must hold
 * NUL-terminated fields, and both feeds must give the same events.
 * Seeds: tests/fuzz/corpus/kmsg (real records). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sources/kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(a) (strnlen((a), sizeof(a)) < sizeof(a))

#define KEPT_MAX 64 /* events compared between the two feeds (all are counted) */

struct events {
        struct kmsg_oom_event e[KEPT_MAX];
        size_t n;
};

static void take_all(struct kmsg_oom_parser *p, struct events *out) {
        struct kmsg_oom_event e;
        unsigned n = 0;
        while (kmsg_oom_parser_take(p, &e)) {
                if (++n > KMSG_QUEUE_MAX || !TERMINATED(e.comm) || !TERMINATED(e.oom_memcg) ||
                    !TERMINATED(e.task_memcg) || !TERMINATED(e.constraint) || !TERMINATED(e.message))
                        __builtin_trap();
                if (out->n < KEPT_MAX)
                        out->e[out->n] = e;
                out->n++;
        }
}

/* The next record from s: up to and with its '\n', and when grouped the
 * lines after it that start with ' ' (its dictionary). */
static size_t record_len(const char *s, const char *end, bool grouped) {
        const char *p = s;
        do {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                p = nl ? nl + 1 : end;
        } while (grouped && p < end && *p == ' ');
        return (size_t)(p - s);
}

static void feed_all(const uint8_t *data, size_t size, bool grouped, struct events *out) {
        static struct kmsg_oom_parser p;
        struct kmsg_record r;
        const char *s = (const char *)data, *end = s + size;
        kmsg_oom_parser_init(&p);
        out->n = 0;
        while (s < end) {
                size_t n = record_len(s, end, grouped);
                char *b = malloc(n);
                if (!b)
                        abort();
                memcpy(b, s, n);
                if (parse_kmsg_record(b, n, &r) == 0 && (r.msg < b || r.msg + r.msg_len > b + n))
                        __builtin_trap();
                kmsg_oom_parser_feed(&p, b, n);
                free(b);
                take_all(&p, out);
                s += n;
        }
        kmsg_oom_parser_flush(&p);
        if (kmsg_oom_parser_pending(&p))
                __builtin_trap(); /* a flush closes the open report */
        take_all(&p, out);
}

static bool same(const struct kmsg_oom_event *a, const struct kmsg_oom_event *b) {
        return a->outcome == b->outcome && a->pid == b->pid && a->seq == b->seq && a->uid == b->uid &&
               a->has_rss == b->has_rss && a->anon_rss_kb == b->anon_rss_kb && a->memcg == b->memcg &&
               a->oom_group == b->oom_group && a->cut == b->cut && strcmp(a->comm, b->comm) == 0 &&
               strcmp(a->oom_memcg, b->oom_memcg) == 0 && strcmp(a->task_memcg, b->task_memcg) == 0 &&
               strcmp(a->constraint, b->constraint) == 0 && strcmp(a->message, b->message) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static struct events grouped, split;
        feed_all(data, size, true, &grouped);
        feed_all(data, size, false, &split);
        if (grouped.n != split.n)
                __builtin_trap();
        for (size_t i = 0; i < grouped.n && i < KEPT_MAX; i++)
                if (!same(&grouped.e[i], &split.e[i]))
                        __builtin_trap();
        return 0;
}
