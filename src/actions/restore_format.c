/* The restore state file's lines (see actions/restore.h). Pure. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
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

pid_t restore_path_pid(const char *path) {
        static const char proc[] = "/proc/";
        if (strncmp(path, proc, sizeof(proc) - 1) != 0)
                return 0;
        const char *p = path + sizeof(proc) - 1;
        long long pid = 0;
        size_t n = 0;
        for (; isdigit((unsigned char)p[n]) && n < 10; n++)
                pid = pid * 10 + (p[n] - '0');
        if (n == 0 || p[n] != '/' || pid <= 0 || pid > INT_MAX)
                return 0;
        return (pid_t)pid;
}

int restore_anchor_check(const struct restore_entry *e, const struct restore_anchor *now) {
        pid_t pid = restore_path_pid(e->path);
        if (pid == 0)
                return 0; /* a path of our own mount namespace */
        if (e->anchor.pid != pid || now->pid != pid || now->starttime != e->anchor.starttime)
                return -ESTALE;
        return 0;
}

/* "/proc/DIGITS/" at c: a process's tree. */
static bool proc_pid_at(const char *c) {
        if (strncmp(c, "/proc/", 6) != 0)
                return false;
        size_t n = strspn(c + 6, "0123456789");
        return n > 0 && c[6 + n] == '/';
}

/* Absolute, one line, no "." or ".." component, and a process's tree
 * only as restore_path_pid reads it, at the start: it checks the first
 * /proc/PID/ only, so "/proc/1/../2/root/...", "//proc/2/...",
 * "/proc//2/..." or "/proc/1/root/proc/2/root/..." would be checked
 * against another process than the one written through, or none. The
 * daemon's paths (a mount joined with a cgroup's) never hold one. */
static bool path_valid(const char *path) {
        if (!path || path[0] != '/' || strchr(path, '\n') || path_has_dot_component(path))
                return false;
        if (strncmp(path, "/proc/", 6) == 0 && restore_path_pid(path) == 0)
                return false;
        for (const char *c = strchr(path + 1, '/'); c; c = strchr(c + 1, '/'))
                if (proc_pid_at(c))
                        return false;
        return true;
}

/* An identity is that of the path's /proc/PID/. None is valid too: an
 * older file's line formats back as it was (the daemon never lists a
 * /proc/PID/ path without one: optin_changes.c), and is refused at
 * replay (restore_anchor_check). */
static bool anchor_valid(const struct restore_entry *e) {
        return e->anchor.pid == 0 || e->anchor.pid == restore_path_pid(e->path);
}

int restore_format_line(const struct restore_entry *e, char *buf, size_t size) {
        if ((unsigned)e->key >= ELEMENTSOF(key_names) || !value_valid(e->original) || !value_valid(e->ours) ||
            !path_valid(e->path) || !anchor_valid(e))
                return -EINVAL;
        char who[48] = "";
        if (e->anchor.pid)
                snprintf(who, sizeof(who), "@%d:%llu ", (int)e->anchor.pid, (unsigned long long)e->anchor.starttime);
        int n = snprintf(buf, size, "%s %s %s %s%s\n", key_names[e->key], e->original, e->ours, who, e->path);
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

/* "@PID:STARTTIME", both decimal as the daemon writes them (PID > 0, no
 * leading zeros: an entry formats back to its own line). */
static int parse_anchor(const char *w, struct restore_anchor *ret) {
        unsigned long long pid = 0, start = 0;
        const char *p = w + 1;
        size_t n = 0;
        const char *colon = strchr(w, ':');
        if (w[0] != '@' || w[1] == '0' || (colon && colon[1] == '0' && colon[2] != '\0'))
                return -EINVAL;
        for (; isdigit((unsigned char)p[n]) && n < 10; n++)
                pid = pid * 10 + (unsigned long long)(p[n] - '0');
        if (n == 0 || p[n] != ':' || pid == 0 || pid > INT_MAX)
                return -EINVAL;
        p += n + 1;
        for (n = 0; isdigit((unsigned char)p[n]) && n < 20; n++) {
                if (start > (UINT64_MAX - (uint64_t)(p[n] - '0')) / 10)
                        return -EINVAL;
                start = start * 10 + (unsigned long long)(p[n] - '0');
        }
        if (n == 0 || p[n] != '\0')
                return -EINVAL;
        *ret = (struct restore_anchor){ .pid = (pid_t)pid, .starttime = start };
        return 0;
}

int restore_parse_line(char *line, struct restore_entry *ret) {
        struct restore_entry e = { 0 };
        char key[32], who[48];
        char *p = line;
        if (word(&p, key, sizeof(key)) < 0 || word(&p, e.original, sizeof(e.original)) < 0 ||
            word(&p, e.ours, sizeof(e.ours)) < 0)
                return -EINVAL;
        /* The identity is optional (older files have none); a PATH starts
         * with '/', so a word starting with '@' is never part of one. */
        if (p[0] == '@' && (word(&p, who, sizeof(who)) < 0 || parse_anchor(who, &e.anchor) < 0))
                return -EINVAL;
        size_t k = 0;
        while (k < ELEMENTSOF(key_names) && strcmp(key, key_names[k]) != 0)
                k++;
        if (k == ELEMENTSOF(key_names) || !value_valid(e.original) || !value_valid(e.ours) || !path_valid(p))
                return -EINVAL;
        e.key = (enum restore_key)k;
        e.path = p;
        /* An identity for another pid than the path's, or for a path not
         * through /proc/PID/, is none the daemon writes. */
        if (!anchor_valid(&e))
                return -EINVAL;
        *ret = e;
        return 0;
}

const char *restore_stale_reason(const struct restore_entry *e, char *buf, size_t size) {
        pid_t pid = restore_path_pid(e->path);
        if (e->anchor.pid == 0)
                snprintf(buf, size,
                         "the entry names no process (an older oomguard's): pid %d may be another container's now",
                         (int)pid);
        else
                snprintf(buf, size, "the container is gone: pid %d is no longer the process it was made for", (int)pid);
        return buf;
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
