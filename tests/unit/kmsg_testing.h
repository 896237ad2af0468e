/* Helpers for the /dev/kmsg parser tests (header-only): feed records
 * (each in a heap block of exactly its size, so ASan sees a read past
 * it) and collect the events. Include after testing.h. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/kmsg.h"

#define KMSG_FIXTURES "tests/fixtures/kmsg"
#define EVENTS_MAX 16

struct collected {
        struct kmsg_oom_event ev[EVENTS_MAX];
        int n;
};

static inline void collect_all(struct kmsg_oom_parser *p, struct collected *c) {
        struct kmsg_oom_event e;
        while (kmsg_oom_parser_take(p, &e)) {
                assert_true(c->n < EVENTS_MAX);
                c->ev[c->n++] = e;
        }
}

static inline void feed_n(struct kmsg_oom_parser *p, const char *rec, size_t len, struct collected *c) {
        char *b = malloc(len ? len : 1);
        assert_non_null(b);
        memcpy(b, rec, len);
        int r = kmsg_oom_parser_feed(p, b, len);
        free(b);
        assert_true(r >= 0 && r <= KMSG_QUEUE_MAX);
        if (c)
                collect_all(p, c);
}

static inline void feed(struct kmsg_oom_parser *p, const char *rec, struct collected *c) {
        feed_n(p, rec, strlen(rec), c);
}

/* Every line of a fixture file as one record (with its '\n', as read()
 * returns it), then a flush. */
static inline void feed_fixture(struct kmsg_oom_parser *p, const char *name, struct collected *c) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", KMSG_FIXTURES, name);
        FILE *f = fopen(path, "re");
        assert_non_null(f);
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, f)) > 0)
                feed_n(p, line, (size_t)n, c);
        free(line);
        fclose(f);
        kmsg_oom_parser_flush(p);
        collect_all(p, c);
}
