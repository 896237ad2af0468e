/* libFuzzer entry for the /dev/kmsg OOM-kill parser: the input is split
 * into records at each '\n' (a record's KEY=VALUE lines become records of
 * their own, which the parser must shrug off as well), each fed in a heap
 * block of exactly its size, then a flush. Every event taken must hold
 * NUL-terminated fields. Seeds: tests/fuzz/corpus/kmsg (real records). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sources/kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(a) (strnlen((a), sizeof(a)) < sizeof(a))

static void take_all(struct kmsg_oom_parser *p) {
        struct kmsg_oom_event e;
        unsigned n = 0;
        while (kmsg_oom_parser_take(p, &e)) {
                if (++n > KMSG_QUEUE_MAX || !TERMINATED(e.comm) || !TERMINATED(e.oom_memcg) ||
                    !TERMINATED(e.task_memcg) || !TERMINATED(e.constraint) || !TERMINATED(e.message))
                        __builtin_trap();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static struct kmsg_oom_parser p;
        struct kmsg_record r;
        const char *s = (const char *)data, *end = s + size;
        kmsg_oom_parser_init(&p);
        while (s < end) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
                char *b = malloc(n);
                if (!b)
                        return 0;
                memcpy(b, s, n);
                if (parse_kmsg_record(b, n, &r) == 0 && (r.msg < b || r.msg + r.msg_len > b + n))
                        __builtin_trap();
                kmsg_oom_parser_feed(&p, b, n);
                free(b);
                take_all(&p);
                s += n;
        }
        kmsg_oom_parser_flush(&p);
        take_all(&p);
        return 0;
}
