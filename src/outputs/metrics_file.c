/* The metrics file: temp + rename in its directory (metrics_file.h).
 * Called after the tick, never on the kill path; allocates nothing. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "outputs/log.h"
#include "outputs/metrics_file.h"
#include "util.h"

/* mkdir -p, every level made here 0755 whatever the umask (an
 * unprivileged collector must reach the file). */
static int make_dirs(const char *dir) {
        char p[REPORT_DIR_MAX];
        snprintf(p, sizeof(p), "%s", dir);
        for (char *c = p + 1;; c++) {
                if (*c && *c != '/')
                        continue;
                char end = *c;
                *c = '\0';
                if (mkdir(p, 0755) == 0 ? chmod(p, 0755) < 0 : errno != EEXIST)
                        return -errno;
                if (!end)
                        return 0;
                *c = '/';
        }
}

static int open_dir(struct metrics_file *f) {
        if (f->dir_fd >= 0)
                return 0;
        int r = make_dirs(f->dir);
        if (r < 0)
                return r;
        f->dir_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return f->dir_fd < 0 ? -errno : 0;
}

static int write_file(struct metrics_file *f, const char *text, size_t len) {
        char tmp[REPORT_DIR_MAX + 8];
        snprintf(tmp, sizeof(tmp), ".%s.tmp", f->name);
        int fd = openat(f->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        int r = fchmod(fd, 0644) < 0 ? -errno : write_all(fd, text, len);
        if (close(fd) < 0 && r == 0)
                r = -errno; /* NFS reports a full disk at close */
        if (r == 0 && renameat(f->dir_fd, tmp, f->dir_fd, f->name) < 0)
                r = -errno;
        if (r < 0)
                (void)unlinkat(f->dir_fd, tmp, 0);
        return r;
}

static void close_dir(struct metrics_file *f) {
        if (f->dir_fd >= 0)
                close(f->dir_fd);
        f->dir_fd = -1;
}

int metrics_file_write(struct metrics_file *f, const char *text, size_t len) {
        if (!f->enabled)
                return 0;
        int e = open_dir(f);
        if (e == 0 && (e = write_file(f, text, len)) == -ENOENT) {
                close_dir(f); /* the directory was removed: make it again */
                if ((e = open_dir(f)) == 0)
                        e = write_file(f, text, len);
        }
        if (e < 0) {
                f->dropped++;
                if (!f->warned)
                        log_warning("metrics: %s/%s not written: %s (retried every metrics_interval)", f->dir, f->name,
                                    strerror(-e));
                f->warned = true;
                return e;
        }
        if (f->warned)
                log_notice("metrics: %s/%s written again (%lu writes dropped)", f->dir, f->name, f->dropped);
        f->warned = false;
        f->dropped = 0;
        f->written++;
        return 1;
}

int metrics_file_init(struct metrics_file *f, const char *path) {
        *f = (struct metrics_file){ .dir_fd = -1 };
        const char *slash = strrchr(path, '/');
        f->enabled = path[0] == '/' && slash && slash[1];
        if (!f->enabled)
                return 0;
        snprintf(f->dir, sizeof(f->dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
        snprintf(f->name, sizeof(f->name), "%s", slash + 1);
        int r = open_dir(f);
        if (r < 0) {
                log_warning("metrics: %s: %s: the metrics file is not written until it can be made", f->dir,
                            strerror(-r));
                f->warned = true;
        }
        return r;
}

void metrics_file_free(struct metrics_file *f) { close_dir(f); }
