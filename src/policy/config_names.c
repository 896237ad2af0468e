/* The section names a policy has taken (see config_internal.h): an
 * open-addressing hash set. A linear search per section made loading
 * quadratic: 10,000 sections took 0.6 s (2.2 s under ASan), 20,000 took
 * 2.2 s, and the 1.2 million headers 16 MiB can hold would take hours. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

static size_t slot_of(const struct config_names *s, int kind, const char *name) {
        uint64_t h = 1469598103934665603ull ^ (uint64_t)kind; /* FNV-1a */
        for (const unsigned char *p = (const unsigned char *)name; *p; p++)
                h = (h ^ *p) * 1099511628211ull;
        size_t i = (size_t)h & (s->cap - 1);
        while (s->slots[i].name && (s->slots[i].kind != kind || strcmp(s->slots[i].name, name) != 0))
                i = (i + 1) & (s->cap - 1);
        return i;
}

int config_names_line(const struct config_names *s, int kind, const char *name) {
        return s->cap ? s->slots[slot_of(s, kind, name)].line : 0;
}

/* Twice the room, every name placed again. */
static int grow(struct config_names *s) {
        struct config_names bigger = { .cap = s->cap ? 2 * s->cap : 64 };
        bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
        if (!bigger.slots)
                return -ENOMEM;
        for (size_t i = 0; i < s->cap; i++)
                if (s->slots[i].name)
                        bigger.slots[slot_of(&bigger, s->slots[i].kind, s->slots[i].name)] = s->slots[i];
        bigger.n = s->n;
        free(s->slots);
        *s = bigger;
        return 0;
}

int config_names_add(struct config_names *s, int kind, const char *name, int line) {
        if (2 * (s->n + 1) > s->cap && grow(s) < 0)
                return -ENOMEM;
        struct config_name *slot = &s->slots[slot_of(s, kind, name)];
        if (!slot->name)
                s->n++;
        *slot = (struct config_name){ .name = name, .kind = kind, .line = line };
        return 0;
}

void config_names_free(struct config_names *s) {
        free(s->slots);
        *s = (struct config_names){ 0 };
}
