/* The report directory: atomic writes, rotation, and failures that cost
 * a warning, never the guard. Runs after an action; it reads the
 * directory (getdents64 and one fstatat a file) after each write but
 * allocates nothing. No fsync: see report_store_write(). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "outputs/log.h"
#include "outputs/report_store.h"
#include "util.h"

#define NAME_MAX_LEN 96 /* a report's file name: an id (< REPORT_ID_MAX) and ".json" */
#define OLDEST_MAX 128  /* oldest names one scan keeps for removal (13 KiB of stack) */
#define SUFFIX ".json"
#define TEMP_SUFFIX ".json.tmp"

static bool ends_with(const char *s, const char *suffix) {
        size_t n = strlen(s), k = strlen(suffix);
        return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* "YYYYMMDDTHHMMSS.mmmZ" (report_format_time()'s compact form), then
 * anything but '/', then ".json". */
bool report_store_is_report_name(const char *name) {
        static const char shape[] = "99999999T999999.999Z";
        size_t n = strlen(name), k = sizeof(shape) - 1;
        if (n < k + strlen(SUFFIX) || n >= NAME_MAX_LEN || !ends_with(name, SUFFIX) || strchr(name, '/'))
                return false;
        for (size_t i = 0; i < k; i++)
                if (shape[i] == '9' ? name[i] < '0' || name[i] > '9' : name[i] != shape[i])
                        return false;
        return true;
}

/* A temp file of ours: "." + a report's name + ".tmp". */
static bool is_temp_name(const char *name) {
        char report[NAME_MAX_LEN];
        size_t n = strlen(name);
        if (name[0] != '.' || !ends_with(name, TEMP_SUFFIX) || n >= sizeof(report))
                return false;
        snprintf(report, sizeof(report), "%.*s", (int)(n - 5), name + 1); /* without "." and ".tmp" */
        return report_store_is_report_name(report);
}

/* mkdir -p: the parents 0755, the directory itself 0750 (whatever the
 * umask) when it is made here. */
static int make_dirs(const char *dir) {
        char p[REPORT_DIR_MAX];
        snprintf(p, sizeof(p), "%s", dir);
        for (char *c = p + 1; *c; c++) {
                if (*c != '/')
                        continue;
                *c = '\0';
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *c = '/';
        }
        if (mkdir(p, 0750) == 0)
                return chmod(p, 0750) < 0 ? -errno : 0;
        return errno == EEXIST ? 0 : -errno;
}

static int open_dir(struct report_store *s) {
        if (s->dir_fd >= 0)
                return 0;
        int r = make_dirs(s->dir);
        if (r < 0)
                return r;
        s->dir_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return s->dir_fd < 0 ? -errno : 0;
}

struct dent64 {
        ino64_t d_ino;
        off64_t d_off;
        unsigned short d_reclen;
        unsigned char d_type;
        char d_name[];
};

struct old_file {
        char name[NAME_MAX_LEN];
        uint64_t size;
};

/* One pass over the directory: how many reports, their bytes, and the
 * OLDEST_MAX oldest (by name, that is by time), oldest first. Temp files
 * left by a crash are removed when clean_temp. */
struct scan {
        unsigned n;
        uint64_t bytes;
        struct old_file old[OLDEST_MAX];
        size_t n_old;
};

static void keep_oldest(struct scan *sc, const char *name, uint64_t size) {
        size_t i = sc->n_old;
        if (i == OLDEST_MAX && strcmp(name, sc->old[i - 1].name) >= 0)
                return;
        if (i == OLDEST_MAX)
                i--;
        for (; i > 0 && strcmp(sc->old[i - 1].name, name) > 0; i--)
                sc->old[i] = sc->old[i - 1];
        snprintf(sc->old[i].name, sizeof(sc->old[i].name), "%s", name);
        sc->old[i].size = size;
        if (sc->n_old < OLDEST_MAX)
                sc->n_old++;
}

static void scan_entry(int dir_fd, const char *name, bool clean_temp, struct scan *sc) {
        struct stat st;
        if (clean_temp && is_temp_name(name)) {
                (void)unlinkat(dir_fd, name, 0);
                return;
        }
        if (!report_store_is_report_name(name) || fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISREG(st.st_mode))
                return;
        sc->n++;
        sc->bytes += (uint64_t)st.st_size;
        keep_oldest(sc, name, (uint64_t)st.st_size);
}

static int scan_dir(int dir_fd, bool clean_temp, struct scan *sc) {
        char buf[8192] __attribute__((aligned(8)));
        sc->n = 0;
        sc->bytes = 0;
        sc->n_old = 0;
        if (lseek(dir_fd, 0, SEEK_SET) < 0)
                return -errno;
        for (;;) {
                long n = syscall(SYS_getdents64, dir_fd, buf, sizeof(buf));
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
                for (long off = 0; off < n;) {
                        struct dent64 *d = (struct dent64 *)(buf + off);
                        off += d->d_reclen;
                        scan_entry(dir_fd, d->d_name, clean_temp, sc);
                }
        }
}

static bool over(const struct report_store *s, const struct scan *sc) {
        return sc->n > s->max_files || sc->bytes > s->max_bytes;
}

/* The oldest first, while over a limit; never keep (the newest), nor the
 * last report left. A pass removes up to OLDEST_MAX: another follows
 * when that was not enough (a limit lowered since the last start). */
static void rotate(struct report_store *s, const char *keep, bool clean_temp) {
        struct scan sc;
        bool progress = true;
        while (progress && scan_dir(s->dir_fd, clean_temp, &sc) == 0 && over(s, &sc)) {
                progress = false;
                for (size_t i = 0; i < sc.n_old && over(s, &sc) && sc.n > 1; i++) {
                        if (keep && strcmp(sc.old[i].name, keep) == 0)
                                continue;
                        if (unlinkat(s->dir_fd, sc.old[i].name, 0) < 0 && errno != ENOENT)
                                continue;
                        sc.n--;
                        sc.bytes -= sc.old[i].size;
                        s->removed++;
                        progress = true;
                }
                clean_temp = false;
        }
}

/* The file: a temp file beside it, written, renamed over. Returns 0 or
 * -errno; the temp file never stays. */
static int write_file(struct report_store *s, const char *name, const char *text, size_t len) {
        char tmp[NAME_MAX_LEN + 8];
        snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
        int fd = openat(s->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
        if (fd < 0)
                return -errno;
        int r = fchmod(fd, 0640) < 0 ? -errno : write_all(fd, text, len);
        if (close(fd) < 0 && r == 0)
                r = -errno; /* NFS reports a full disk at close */
        if (r == 0 && renameat(s->dir_fd, tmp, s->dir_fd, name) < 0)
                r = -errno;
        if (r < 0)
                (void)unlinkat(s->dir_fd, tmp, 0);
        return r;
}

/* Dropped: a warning the first time, counted after, until a success. */
static int drop(struct report_store *s, int err) {
        s->dropped++;
        if (!s->warned)
                log_warning("reports: not written: %s (%lu dropped)", strerror(-err), s->dropped);
        s->warned = true;
        return err;
}

int report_store_write(struct report_store *s, const struct report *r, char *buf, size_t size, char *path_out,
                       size_t path_size) {
        char name[NAME_MAX_LEN];
        if (path_size)
                path_out[0] = '\0';
        if (!s->enabled)
                return 0;
        int n = report_json(r, buf, size);
        if (n < 0)
                return drop(s, n);
        snprintf(name, sizeof(name), "%s" SUFFIX, r->id);
        if (!report_store_is_report_name(name))
                return drop(s, -EINVAL);
        int e = open_dir(s);
        if (e == 0 && (e = write_file(s, name, buf, (size_t)n)) == -ENOENT) {
                report_store_free(s); /* the directory was removed: make it again */
                if ((e = open_dir(s)) == 0)
                        e = write_file(s, name, buf, (size_t)n);
        }
        if (e < 0)
                return drop(s, e);
        if (s->warned)
                log_notice("reports: written again to %s (%lu dropped)", s->dir, s->dropped);
        s->warned = false;
        s->dropped = 0;
        s->written++;
        rotate(s, name, false);
        if (path_size)
                snprintf(path_out, path_size, "%s/%s", s->dir, name);
        return 1;
}

int report_store_init(struct report_store *s, const struct daemon_settings *d) {
        *s = (struct report_store){ .dir_fd = -1, .max_files = d->report_max_files, .max_bytes = d->report_max_bytes };
        snprintf(s->dir, sizeof(s->dir), "%s", d->report_dir);
        s->enabled = s->dir[0] != '\0';
        if (!s->enabled)
                return 0;
        int r = open_dir(s);
        if (r < 0) {
                log_warning("reports: %s: %s: reports are not written until it can be made", s->dir, strerror(-r));
                s->warned = true;
                return r;
        }
        rotate(s, NULL, true);
        return 0;
}

void report_store_free(struct report_store *s) {
        if (s->dir_fd >= 0)
                close(s->dir_fd);
        s->dir_fd = -1;
}
