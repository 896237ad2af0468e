/* The restore state file: writing it (daemon), replaying it (guardian,
 * --restore, start-up). Replaying allocates nothing: the guardian runs it
 * after the daemon died, possibly with memory short. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "actions/restore.h"
#include "sources/proc_pid.h"
#include "util.h"

/* The process /proc/PID is now; pid 0 when there is none. */
static struct restore_anchor anchor_now(pid_t pid) {
        struct proc_stat st;
        if (pid == 0 || read_proc_stat("/", pid, &st) < 0)
                return (struct restore_anchor){ 0 };
        return (struct restore_anchor){ .pid = pid, .starttime = st.starttime };
}

/* The file name below dirfd: read, and opened for writing only when it
 * still holds ours, so that a file someone else changed since is left
 * alone even where it is not writable (EACCES, EROFS, EPERM). */
static int apply_in(const struct restore_entry *e, int dirfd, const char *name) {
        char text[256];
        _cleanup_(closep) int rfd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
        if (rfd < 0)
                return -errno;
        ssize_t n = pread_all(rfd, text, sizeof(text));
        if (n < 0)
                return (int)n;
        if (!restore_holds(e->key, text, (size_t)n, e->ours))
                return 0; /* someone else's value now: theirs */
        _cleanup_(closep) int wfd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
        if (wfd < 0)
                return -errno;
        size_t len = strlen(e->original);
        ssize_t w = write(wfd, e->original, len);
        if (w < 0)
                return -errno;
        return (size_t)w == len ? 1 : -EIO;
}

static bool proc_root_there(pid_t pid) {
        char root[32];
        snprintf(root, sizeof(root), "/proc/%d/root/", (int)pid);
        return access(root, F_OK) == 0;
}

/* A path through /proc/PID/root resolves in whatever process has that
 * pid now: its directory is opened first and the process checked after,
 * so that the directory held (it pins the cgroup) is that of the process
 * the entry was made for (one with the recorded start time was alive
 * before the open). */
int restore_entry_apply(const struct restore_entry *e) {
        char dir[PATH_MAX];
        pid_t pid = restore_path_pid(e->path);
        const char *slash = strrchr(e->path, '/');
        size_t len = slash && slash > e->path ? (size_t)(slash - e->path) : 1;
        if (!slash || len >= sizeof(dir))
                return -EINVAL;
        memcpy(dir, e->path, len);
        dir[len] = '\0';
        _cleanup_(closep) int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        int r = dfd < 0 ? -errno : 0;
        if (pid) {
                struct restore_anchor now = anchor_now(pid);
                if (restore_anchor_check(e, &now) < 0)
                        return -ESTALE;
        }
        /* An exited anchor not reaped yet still has its start time, but
         * its root went at exit: the cgroup may be there, we cannot see. */
        if (pid && r < 0 && errno_is_vanished(r) && !proc_root_there(pid))
                return -ESTALE;
        if (r == 0)
                r = apply_in(e, dfd, slash + 1);
        return r < 0 && errno_is_vanished(r) ? 0 : r; /* vanished: the cgroup is gone */
}

int restore_entry_apply_at(const struct restore_entry *e, int dirfd, const char *rel) {
        while (*rel == '/')
                rel++;
        int r = apply_in(e, dirfd, rel);
        return r < 0 && errno_is_vanished(r) ? -ESTALE : r; /* vanished: the cgroup was removed */
}

/* One line without its '\n', len bytes: a line with a NUL byte in it is
 * none the daemon wrote (a torn write may leave zeros), and is refused
 * rather than cut at the NUL. */
static void replay_line(char *line, size_t len, restore_apply_fn apply, restore_report_fn report, void *ud,
                        int *restored, int *failed) {
        struct restore_entry e;
        if (len == 0)
                return;
        if (strlen(line) != len) {
                (*failed)++;
                return;
        }
        if (line[0] == '#')
                return;
        if (restore_parse_line(line, &e) < 0) {
                (*failed)++;
                return;
        }
        int r = apply(&e);
        if (r > 0)
                (*restored)++;
        if (r < 0 && r != -ESTALE) /* -ESTALE: not that process's: dropped, said */
                (*failed)++;
        if (report)
                report(&e, r, ud);
}

int restore_file_replay(const char *path, restore_report_fn report, void *ud) {
        return restore_file_replay_with(path, restore_entry_apply, report, ud);
}

/* A line that does not fit the buffer is refused whole: its pieces are
 * not lines (a tail could read as an entry the file never held), so the
 * rest of it up to the next '\n' is skipped. */
int restore_file_replay_with(const char *path, restore_apply_fn apply, restore_report_fn report, void *ud) {
        static char buf[RESTORE_REPLAY_MAX];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        int restored = 0, failed = 0;
        size_t have = 0;
        bool skipping = false; /* in the rest of a line too long */
        for (;;) {
                ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        failed++;
                        break;
                }
                have += (size_t)n;
                buf[have] = '\0';
                char *start = buf, *nl;
                while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
                        *nl = '\0';
                        if (!skipping)
                                replay_line(start, (size_t)(nl - start), apply, report, ud, &restored, &failed);
                        skipping = false;
                        start = nl + 1;
                }
                have -= (size_t)(start - buf);
                memmove(buf, start, have);
                if (n == 0 && have > 0 && !skipping) { /* a last line without '\n' */
                        buf[have] = '\0';
                        replay_line(buf, have, apply, report, ud, &restored, &failed);
                }
                if (n == 0)
                        break;
                if (have == sizeof(buf) - 1) { /* no '\n' in a full buffer */
                        if (!skipping)
                                failed++;
                        skipping = true;
                        have = 0;
                }
        }
        close(fd);
        if (!failed)
                (void)unlink(path);
        return restored;
}

/* The directory of path (one level is created when missing). */
static int make_parent(const char *path) {
        char dir[PATH_MAX];
        const char *slash = strrchr(path, '/');
        if (!slash || slash == path)
                return 0;
        if ((size_t)(slash - path) >= sizeof(dir))
                return -ENAMETOOLONG;
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
        return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -errno;
}

#define RESTORE_FILE_HEAD "# oomguard: cgroup values to put back (KEY ORIGINAL OURS [@PID:STARTTIME ]PATH)\n"

int restore_file_write(const char *path, const struct restore_entry *e, size_t n) {
        char tmp[PATH_MAX], line[RESTORE_LINE_MAX];
        if (n == 0)
                return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
        if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
                return -ENAMETOOLONG;
        int r = make_parent(path);
        if (r < 0)
                return r;
        _cleanup_(closep) int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        /* Lines gathered into one buffer: a write per line made a
         * thousand-line file a thousand system calls. */
        static char buf[16 * RESTORE_LINE_MAX];
        size_t have = (size_t)snprintf(buf, sizeof(buf), "%s", RESTORE_FILE_HEAD);
        r = 0;
        for (size_t i = 0; i < n && r >= 0; i++) {
                int len = restore_format_line(&e[i], line, sizeof(line));
                if (len < 0) {
                        r = len;
                        break;
                }
                if (have + (size_t)len > sizeof(buf)) {
                        r = write_all(fd, buf, have);
                        have = 0;
                }
                memcpy(buf + have, line, (size_t)len);
                have += (size_t)len;
        }
        if (r >= 0)
                r = write_all(fd, buf, have);
        if (r < 0 || rename(tmp, path) < 0) {
                r = r < 0 ? r : -errno;
                (void)unlink(tmp);
                return r;
        }
        return 0;
}

int restore_file_append(const char *path, const struct restore_entry *e, size_t n) {
        char line[RESTORE_LINE_MAX];
        if (n == 0)
                return restore_file_write(path, e, n);
        _cleanup_(closep) int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? restore_file_write(path, e, n) : -errno;
        int len = restore_format_line(&e[n - 1], line, sizeof(line));
        if (len < 0)
                return len;
        /* Appended only after a whole line: a tail a failed write left
         * (no '\n') would glue the next line to it, and the replay would
         * refuse both; then the whole file is written again. */
        struct stat st;
        char last = '\n';
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
                last = 0;
        if (last != '\n')
                return restore_file_write(path, e, n);
        int r = write_all(fd, line, (size_t)len);
        if (r < 0) {
                /* A short write (ENOSPC) leaves a tail: cut off; should that
                 * fail too, the next append sees it and rewrites the file. */
                int cut = ftruncate(fd, st.st_size);
                (void)cut;
        }
        return r;
}

int restore_file_lock(const char *path) {
        char lock[PATH_MAX];
        if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock))
                return -ENAMETOOLONG;
        int r = make_parent(path);
        if (r < 0)
                return r;
        int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR) {
                        r = -errno;
                        close(fd);
                        return r;
                }
        return fd;
}
