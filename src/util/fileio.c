/* File helpers: every reader goes through these so that a fixture root
 * works the same as "/". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int path_join(char *buf, size_t size, const char *root, const char *path) {
        if (!root || !*root || (root[0] == '/' && root[1] == '\0'))
                root = "";
        int n = snprintf(buf, size, "%s%s%s", root, (*root && path[0] != '/') ? "/" : "", path);
        if (n < 0 || (size_t)n >= size)
                return -ENAMETOOLONG;
        return 0;
}

bool path_has_dot_component(const char *path) {
        for (const char *c = path; *c; c++) {
                if (c != path && c[0] != '/')
                        continue;
                const char *s = c[0] == '/' ? c + 1 : c;
                size_t n = strcspn(s, "/");
                if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
                        return true;
        }
        return false;
}

/* Appends component [s, s + n) of a path to out (length *o, "" = "/"),
 * or takes the last one off for "..". */
static int resolve_component(char *out, size_t *o, size_t cap, const char *s, size_t n) {
        if (n == 1 && s[0] == '.')
                return 0;
        if (n == 2 && s[0] == '.' && s[1] == '.') {
                if (*o == 0)
                        return -EXDEV; /* above the root */
                while (out[*o - 1] != '/')
                        (*o)--;
                out[--(*o)] = '\0';
                return 0;
        }
        if (*o + 1 + n >= cap)
                return -ENAMETOOLONG;
        out[(*o)++] = '/';
        memcpy(out + *o, s, n);
        *o += n;
        out[*o] = '\0';
        return 0;
}

int path_resolve(const char *base, const char *rel, char *ret, size_t size) {
        char out[4096];
        size_t o = 0;
        out[0] = '\0';
        for (int part = 0; part < 2; part++)
                for (const char *s = part ? rel : base; *s;) {
                        while (*s == '/')
                                s++;
                        size_t n = strcspn(s, "/");
                        int r = n ? resolve_component(out, &o, sizeof(out), s, n) : 0;
                        if (r < 0)
                                return r;
                        s += n;
                }
        if (o == 0)
                out[o++] = '/', out[o] = '\0';
        if (o + 1 > size)
                return -ENAMETOOLONG;
        memcpy(ret, out, o + 1);
        return 0;
}

bool path_within(const char *path, const char *dir) {
        if (path_has_dot_component(path) || path_has_dot_component(dir))
                return false; /* "/../x" is outside "/", not below it */
        size_t n = strlen(dir);
        while (n > 0 && dir[n - 1] == '/')
                n--; /* "/" and "/a/" as "" and "/a" */
        return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int open_at_root(const char *root, const char *path, int flags) {
        char full[4096];
        int r = path_join(full, sizeof(full), root, path);
        if (r < 0)
                return r;
        int fd = open(full, flags | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

ssize_t pread_all(int fd, char *buf, size_t size) {
        if (size == 0)
                return -ENOBUFS;
        size_t got = 0;
        for (;;) {
                ssize_t n = pread(fd, buf + got, size - 1 - got, (off_t)got);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                got += (size_t)n;
                if (got == size - 1) {
                        buf[got] = '\0';
                        return -ENOBUFS;
                }
        }
        buf[got] = '\0';
        return (ssize_t)got;
}

int write_all(int fd, const char *buf, size_t n) {
        while (n > 0) {
                ssize_t w = write(fd, buf, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0)
                        return -errno;
                if (w == 0)
                        return -EIO;
                buf += w;
                n -= (size_t)w;
        }
        return 0;
}

ssize_t read_file_at(const char *root, const char *path, char *buf, size_t size) {
        _cleanup_(closep) int fd = open_at_root(root, path, O_RDONLY);
        if (fd < 0)
                return fd;
        return pread_all(fd, buf, size);
}

int write_file_at(const char *root, const char *path, const char *value) {
        _cleanup_(closep) int fd = open_at_root(root, path, O_WRONLY);
        if (fd < 0)
                return fd;
        size_t len = strlen(value);
        ssize_t n = write(fd, value, len);
        if (n < 0)
                return -errno;
        return (size_t)n == len ? 0 : -EIO;
}
