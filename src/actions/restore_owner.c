/* The claim on a restore file (see actions/restore_owner.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "actions/restore_owner.h"

/* The directory of path, made when missing (one level: /run/oomguard). */
static int make_parent_dir(const char *path) {
        char dir[PATH_MAX];
        if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
                return -ENAMETOOLONG;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
                return 0;
        *slash = '\0';
        return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -errno;
}

static pid_t recorded_owner(int fd) {
        char buf[24];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        char *end;
        long pid = strtol(buf, &end, 10);
        return pid > 0 && pid <= INT_MAX && (*end == '\n' || *end == '\0') ? (pid_t)pid : 0;
}

static int record_self(int fd) {
        char buf[24];
        int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
        if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
                return -errno;
        return 0;
}

static int try_lock(int fd) {
        while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno == EWOULDBLOCK)
                        return -EBUSY;
                if (errno != EINTR)
                        return -errno;
        }
        return 0;
}

/* Held by a live process (the owner), or by the guardian of a dead one,
 * finishing its replay: that one is waited for. */
static int lock_or_wait(int fd, unsigned wait_ms, pid_t *ret_owner) {
        int r;
        for (unsigned waited = 0;; waited += 20) {
                r = try_lock(fd);
                if (r != -EBUSY)
                        return r;
                *ret_owner = recorded_owner(fd);
                bool owner_alive = *ret_owner > 0 && (kill(*ret_owner, 0) == 0 || errno == EPERM);
                if (owner_alive || waited >= wait_ms)
                        return -EBUSY;
                nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
        }
}

int restore_owner_claim(const char *restore_file, unsigned wait_ms, pid_t *ret_owner) {
        char path[PATH_MAX];
        *ret_owner = 0;
        if (snprintf(path, sizeof(path), "%s.owner", restore_file) >= (int)sizeof(path))
                return -ENAMETOOLONG;
        int r = make_parent_dir(path);
        if (r < 0)
                return r;
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        r = lock_or_wait(fd, wait_ms, ret_owner);
        if (r == 0)
                r = record_self(fd);
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}
