/* /proc/self/mountinfo (see sources/mountinfo.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sources/mountinfo.h"
#include "util.h"

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static int unescape_field(const char *s, size_t n, char *ret, size_t size) {
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (c == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
                    s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
                        c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
                        i += 3;
                }
                if (o + 1 >= size)
                        return -ENAMETOOLONG;
                ret[o++] = c;
        }
        ret[o] = '\0';
        return 0;
}

/* The n-th (0-based) space-separated field of line [p, end). */
static bool field(const char *p, const char *end, int n, const char **ret, size_t *ret_len) {
        for (int i = 0;; i++) {
                while (p < end && *p == ' ')
                        p++;
                const char *s = p;
                while (p < end && *p != ' ')
                        p++;
                if (s == p)
                        return false;
                if (i == n) {
                        *ret = s;
                        *ret_len = (size_t)(p - s);
                        return true;
                }
        }
}

int parse_mountinfo_root(const char *buf, size_t len, const char *mount_point, char *ret, size_t size) {
        const char *p = buf, *end = buf + len;
        char point[PATH_MAX];
        int found = -ENOENT;
        while (p < end) {
                const char *eol = memchr(p, '\n', (size_t)(end - p));
                const char *line_end = eol ? eol : end;
                const char *f, *r;
                size_t fn, rn;
                if (field(p, line_end, 4, &f, &fn) && field(p, line_end, 3, &r, &rn) &&
                    unescape_field(f, fn, point, sizeof(point)) == 0 && strcmp(point, mount_point) == 0)
                        found = unescape_field(r, rn, ret, size); /* the last one wins */
                p = eol ? eol + 1 : end;
        }
        return found;
}

/* The mount point as mountinfo lists it: mount without the root. */
static const char *mount_point_of(const char *root, const char *mount) {
        size_t n = strlen(root);
        if (strcmp(root, "/") == 0 || strncmp(mount, root, n) != 0)
                return mount;
        return mount[n] ? mount + n : "/";
}

int mountinfo_root_of(const char *root, const char *mount, char *ret, size_t size) {
        enum { MOUNTINFO_MAX = 1024 * 1024 }; /* a node's thousands of mounts: once, at start */
        char *info = malloc(MOUNTINFO_MAX);
        if (!info)
                return -ENOMEM;
        ssize_t n = read_file_at(root, "/proc/self/mountinfo", info, MOUNTINFO_MAX);
        int r = n < 0 ? (int)n : parse_mountinfo_root(info, (size_t)n, mount_point_of(root, mount), ret, size);
        free(info);
        return r;
}
