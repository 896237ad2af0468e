/* Test helper: the library's /dev/kmsg reader and OOM-kill parser, live.
 *   kmsgwatch [--root DIR] [--task-memcg PATH] TIMEOUT_MS
 * Opens /dev/kmsg at its end (kmsg_open), prints "ready", then waits up
 * to TIMEOUT_MS for records, feeding each to the parser, and prints every
 * event as key=value lines between "event" and "end". Exits 0 after the
 * first event whose task_memcg is PATH (or after the first event without
 * --task-memcg), 1 at the deadline ("timeout", after what a flush gave),
 * 2 on an error. Links liboomguard.a (the Makefile's rule for it). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sources/kmsg.h"

static long long now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *outcome_name(enum kmsg_oom_outcome o) {
        return o == KMSG_OOM_KILLED ? "killed" : o == KMSG_OOM_EXITING ? "exiting" : "unconfirmed";
}

static void print_event(const struct kmsg_oom_event *e, const struct kmsg_reader *r) {
        printf("event\noutcome=%s\npid=%d\ncomm=%s\nuid=%s%u\nconstraint=%s\nmessage=%s\nmemcg=%d\n",
               outcome_name(e->outcome), (int)e->pid, e->comm, e->has_uid ? "" : "?", (unsigned)e->uid, e->constraint,
               e->message, e->memcg);
        printf("oom_memcg=%s\ntask_memcg=%s\noom_group=%d\nhas_context=%d\n", e->oom_memcg, e->task_memcg, e->oom_group,
               e->has_context);
        printf("total_vm_kb=%llu\nanon_rss_kb=%llu\nfile_rss_kb=%llu\nshmem_rss_kb=%llu\npgtables_kb=%llu\n",
               (unsigned long long)e->total_vm_kb, (unsigned long long)e->anon_rss_kb,
               (unsigned long long)e->file_rss_kb, (unsigned long long)e->shmem_rss_kb,
               (unsigned long long)e->pgtables_kb);
        /* age: CLOCK_MONOTONIC now minus the record's timestamp (the kernel's
         * local_clock(); the two agree to a few ms on an unsuspended host) */
        printf("oom_score_adj=%d\nseq=%llu\nusec=%llu\nage_ms=%.1f\ncut=%d\nlost=%llu\noverwrites=%llu\nend\n",
               e->oom_score_adj, (unsigned long long)e->seq, (unsigned long long)e->usec,
               (double)(now_us() - (long long)e->usec) / 1000.0, e->cut, (unsigned long long)r->lost,
               (unsigned long long)r->overwrites);
        fflush(stdout);
}

/* Prints the ready events; true when one is the awaited one. */
static bool drain_events(struct kmsg_oom_parser *p, const struct kmsg_reader *r, const char *want) {
        struct kmsg_oom_event e;
        bool found = false;
        while (kmsg_oom_parser_take(p, &e)) {
                print_event(&e, r);
                if (!want || strcmp(e.task_memcg, want) == 0)
                        found = true;
        }
        return found;
}

int main(int argc, char **argv) {
        const char *root = "/", *want = NULL;
        static char buf[KMSG_RECORD_MAX + 1];
        static struct kmsg_oom_parser p;
        struct kmsg_reader r;
        int i = 1;
        for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
                if (strcmp(argv[i], "--root") == 0)
                        root = argv[i + 1];
                else if (strcmp(argv[i], "--task-memcg") == 0)
                        want = argv[i + 1];
        }
        if (i != argc - 1) {
                fprintf(stderr, "usage: kmsgwatch [--root DIR] [--task-memcg PATH] TIMEOUT_MS\n");
                return 2;
        }
        long long deadline = now_us() + atoll(argv[i]) * 1000;
        int rc = kmsg_open(root, &r);
        if (rc < 0) {
                fprintf(stderr, "kmsgwatch: open %s/dev/kmsg: %s\n", root, strerror(-rc));
                return 2;
        }
        kmsg_oom_parser_init(&p);
        printf("ready\n");
        fflush(stdout);
        for (long long now; (now = now_us()) < deadline;) {
                struct pollfd pfd = { .fd = r.fd, .events = POLLIN };
                int ms = (int)((deadline - now + 999) / 1000);
                if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
                        return 2;
                ssize_t n;
                while ((n = kmsg_read_record(&r, buf, sizeof(buf))) > 0) {
                        kmsg_oom_parser_feed(&p, buf, (size_t)n);
                        if (drain_events(&p, &r, want))
                                return 0;
                }
                if (n < 0) {
                        fprintf(stderr, "kmsgwatch: read: %s\n", strerror((int)-n));
                        return 2;
                }
        }
        kmsg_oom_parser_flush(&p);
        bool found = drain_events(&p, &r, want);
        printf("timeout\n");
        kmsg_close(&r);
        return found ? 0 : 1;
}
