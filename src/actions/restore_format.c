/* The restore state file's lines (see actions/restore.h). Pure. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "actions/restore.h"
#include "sources/memcg.h"
#include "util.h"

static const char *const key_names[] = {
        [RESTORE_MEMORY_HIGH] = "memory.high",
        [RESTORE_OOM_KILL_DISABLE] = "oom_kill_disable",
        [RESTORE_MEMORY_LIMIT] = "memory.limit_in_bytes",
};

const char *restore_key_to_string(enum restore_key k) {
        return (unsigned)k < ELEMENTSOF(key_names) ? key_names[k] : "?";
}

/* "max" or 1..20 digits. */
static bool value_valid(const char *v) {
        size_t n = strlen(v);
        if (strcmp(v, "max") == 0)
                return true;
        if (n == 0 || n > 20)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isdigit((unsigned char)v[i]))
                        return false;
        return true;
}

void restore_value_format(uint64_t v, char buf[static RESTORE_VALUE_MAX]) {
        if (v == BYTES_UNLIMITED)
                snprintf(buf, RESTORE_VALUE_MAX, "max");
        else
                snprintf(buf, RESTORE_VALUE_MAX, "%llu", (unsigned long long)v);
}

int restore_format_line(const struct restore_entry *e, char *buf, size_t size) {
        if ((unsigned)e->key >= ELEMENTSOF(key_names) || !value_valid(e->original) || !value_valid(e->ours) ||
            !e->path || e->path[0] != '/' || strchr(e->path, '\n'))
                return -EINVAL;
        int n = snprintf(buf, size, "%s %s %s %s\n", key_names[e->key], e->original, e->ours, e->path);
        return n < 0 || (size_t)n >= size ? -ENOBUFS : n;
}

/* The next space-separated word of *p into dst (NUL-terminated). */
static int word(char **p, char *dst, size_t size) {
        char *sp = strchr(*p, ' ');
        if (!sp || sp == *p || (size_t)(sp - *p) >= size)
                return -EINVAL;
        memcpy(dst, *p, (size_t)(sp - *p));
        dst[sp - *p] = '\0';
        *p = sp + 1;
        return 0;
}

int restore_parse_line(char *line, struct restore_entry *ret) {
        struct restore_entry e = { 0 };
        char key[32];
        char *p = line;
        if (word(&p, key, sizeof(key)) < 0 || word(&p, e.original, sizeof(e.original)) < 0 ||
            word(&p, e.ours, sizeof(e.ours)) < 0)
                return -EINVAL;
        size_t k = 0;
        while (k < ELEMENTSOF(key_names) && strcmp(key, key_names[k]) != 0)
                k++;
        if (k == ELEMENTSOF(key_names) || !value_valid(e.original) || !value_valid(e.ours) || p[0] != '/' ||
            strchr(p, '\n'))
                return -EINVAL;
        e.key = (enum restore_key)k;
        e.path = p;
        *ret = e;
        return 0;
}

bool restore_holds(enum restore_key k, const char *text, size_t len, const char *ours) {
        if (k == RESTORE_OOM_KILL_DISABLE) {
                bool disabled;
                uint64_t under, kills;
                if (parse_memcg_v1_oom_control(text, len, &disabled, &under, &kills) < 0)
                        return false;
                return disabled == (strcmp(ours, "1") == 0);
        }
        while (len > 0 && isspace((unsigned char)text[len - 1]))
                len--;
        return len == strlen(ours) && memcmp(text, ours, len) == 0;
}
