/* Process listing for victim choice. Fixed buffers and getdents64: no
 * allocation, because this runs when memory is scarce. */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>

#include "sources/procs.h"
#include "util.h"

#define CGROUP_MAX_DEPTH 32

struct linux_dirent64 {
        ino64_t d_ino;
        off64_t d_off;
        unsigned short d_reclen;
        unsigned char d_type;
        char d_name[];
};

int parse_pid_list(const char *buf, size_t len, long *carry, pid_visit_fn fn, void *ud) {
        long v = *carry;
        for (size_t i = 0; i < len; i++) {
                char c = buf[i];
                if (c >= '0' && c <= '9') {
                        if (v > (1L << 30))
                                v = -1; /* absurd: poison until the newline */
                        else if (v >= 0)
                                v = v * 10 + (c - '0');
                        continue;
                }
                if (c == '\n' && v > 0) {
                        int r = fn((pid_t)v, ud);
                        if (r < 0)
                                return r;
                }
                v = 0;
        }
        *carry = v;
        return 0;
}

static int read_procs_file(int dirfd, pid_visit_fn fn, void *ud) {
        _cleanup_(closep) int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno_is_vanished(errno) ? 0 : -errno;
        char buf[4096];
        long carry = 0;
        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n < 0)
                        return errno_is_vanished(errno) ? 0 : -errno;
                if (n == 0)
                        break;
                int r = parse_pid_list(buf, (size_t)n, &carry, fn, ud);
                if (r < 0)
                        return r;
        }
        return carry > 0 ? fn((pid_t)carry, ud) : 0;
}

/* Calls fn(name) for each entry of an open directory (d_type filter). */
typedef int (*dirent_fn)(int dirfd, const char *name, void *ud);

static int each_dirent(int dirfd, unsigned char type, dirent_fn fn, void *ud) {
        char buf[4096] __attribute__((aligned(8)));
        for (;;) {
                long n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf));
                if (n < 0)
                        return errno_is_vanished(errno) ? 0 : -errno;
                if (n == 0)
                        return 0;
                for (long off = 0; off < n;) {
                        struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
                        off += d->d_reclen;
                        if (d->d_type != type || d->d_name[0] == '.')
                                continue;
                        int r = fn(dirfd, d->d_name, ud);
                        if (r < 0)
                                return r;
                }
        }
}

struct cgroup_walk {
        pid_visit_fn fn;
        void *ud;
        int depth;
};

static int walk_cgroup_fd(int dirfd, struct cgroup_walk *w);

static int visit_child_cgroup(int dirfd, const char *name, void *ud) {
        struct cgroup_walk *w = ud;
        _cleanup_(closep) int child = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (child < 0)
                return errno_is_vanished(errno) ? 0 : -errno;
        return walk_cgroup_fd(child, w);
}

static int walk_cgroup_fd(int dirfd, struct cgroup_walk *w) {
        int r = read_procs_file(dirfd, w->fn, w->ud);
        if (r < 0 || w->depth >= CGROUP_MAX_DEPTH)
                return r;
        w->depth++;
        r = each_dirent(dirfd, DT_DIR, visit_child_cgroup, w);
        w->depth--;
        return r;
}

int procs_in_cgroup(const char *dir, pid_visit_fn fn, void *ud) {
        _cleanup_(closep) int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct cgroup_walk w = { .fn = fn, .ud = ud };
        return walk_cgroup_fd(fd, &w);
}

struct proc_walk {
        pid_visit_fn fn;
        void *ud;
};

static int visit_proc_entry(int dirfd, const char *name, void *ud) {
        struct proc_walk *w = ud;
        long pid = 0;
        for (const char *c = name; *c; c++) {
                if (*c < '0' || *c > '9' || pid > (1L << 30))
                        return 0; /* not a pid directory */
                pid = pid * 10 + (*c - '0');
        }
        return pid > 0 ? w->fn((pid_t)pid, w->ud) : 0;
}

int procs_all(const char *root, pid_visit_fn fn, void *ud) {
        _cleanup_(closep) int fd = open_at_root(root, "/proc", O_RDONLY | O_DIRECTORY);
        if (fd < 0)
                return fd;
        struct proc_walk w = { .fn = fn, .ud = ud };
        return each_dirent(fd, DT_DIR, visit_proc_entry, &w);
}
