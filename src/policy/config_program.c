/* The files a privileged oomguard (root, or any effective capability:
 * util.h privileged) trusts, checked when the policy is loaded:
 * the policy file itself (what it says is killed) and a program it will
 * run (the [daemon] hook, after every event, as oomguard's user). Then
 * each must be a file only root can change, in directories only root can
 * change (what OpenSSH's StrictModes and safe_path() ask): anyone who
 * could rewrite or rename one would choose, with its power, what dies or runs.
 * Reads the file system; knows nothing of lines or keys (the caller puts
 * "file:line: hook: " or "file: " in front). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"

/* '"path"', or '"path" (-> "resolved")' when a symlink led elsewhere. */
struct named {
        char text[2 * (CONFIG_SHOWN_MAX + 4) + 16];
};

static const char *name_of(struct named *n, const char *path, const char *resolved) {
        char a[CONFIG_SHOWN_MAX + 4], b[CONFIG_SHOWN_MAX + 4];
        if (strcmp(path, resolved) == 0)
                snprintf(n->text, sizeof(n->text), "\"%s\"", config_shown(a, path));
        else
                snprintf(n->text, sizeof(n->text), "\"%s\" (-> \"%s\")", config_shown(a, path),
                         config_shown(b, resolved));
        return n->text;
}

/* Owned by root and not writable by group or others. */
static int check_safe(const struct stat *st, const char *what, const char *dir, char *why) {
        char d[CONFIG_SHOWN_MAX + 4];
        if (st->st_uid != 0) {
                if (dir)
                        return config_refuse(why, "%s: its directory \"%s\" is owned by uid %u, not root", what,
                                             config_shown(d, dir), (unsigned)st->st_uid);
                return config_refuse(why, "%s is owned by uid %u, not root", what, (unsigned)st->st_uid);
        }
        if (st->st_mode & (S_IWGRP | S_IWOTH)) {
                if (dir)
                        return config_refuse(why, "%s: its directory \"%s\" is group- or world-writable (mode %04o)",
                                             what, config_shown(d, dir), (unsigned)(st->st_mode & 07777));
                return config_refuse(why, "%s is group- or world-writable (mode %04o)", what,
                                     (unsigned)(st->st_mode & 07777));
        }
        return 0;
}

/* Every directory from the file's own up to "/". */
static int check_directories(const char *resolved, const char *what, char *why) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof(dir), "%s", resolved);
        for (;;) {
                char *slash = strrchr(dir, '/');
                if (!slash)
                        return 0;
                slash[slash == dir] = '\0'; /* "/a/b" -> "/a", "/a" -> "/" */
                struct stat st;
                if (stat(dir, &st) < 0)
                        return config_refuse(why, "%s: cannot stat its directory: %s", what, strerror(errno));
                int r = check_safe(&st, what, dir, why);
                if (r < 0 || strcmp(dir, "/") == 0)
                        return r;
        }
}

int config_program_check(const char *path, bool strict, char why[static CONFIG_WHY_MAX]) {
        char shown[CONFIG_SHOWN_MAX + 4], resolved[PATH_MAX];
        struct named n;
        if (path[0] != '/')
                return config_refuse(
                        why, "\"%s\" is not absolute (a program's full path, e.g. /usr/local/sbin/oomguard-hook)",
                        config_shown(shown, path));
        if (!realpath(path, resolved))
                return config_refuse(why, "cannot use \"%s\": %s", config_shown(shown, path), strerror(errno));
        const char *what = name_of(&n, path, resolved);
        struct stat st;
        if (stat(resolved, &st) < 0)
                return config_refuse(why, "cannot use %s: %s", what, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return config_refuse(why, "%s is not a regular file", what);
        /* As root access(X_OK) says yes to any file with one x bit: ask the bits. */
        if (strict ? !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) : access(resolved, X_OK) < 0)
                return config_refuse(why, "%s is not executable", what);
        if (!strict)
                return 0;
        int r = check_safe(&st, what, NULL, why);
        return r < 0 ? r : check_directories(resolved, what, why);
}

/* The policy file, open as fd: the file checked is the one read (fstat),
 * its directories by its resolved path. */
int config_file_check_trusted(const char *path, int fd, char why[static CONFIG_WHY_MAX]) {
        char resolved[PATH_MAX], what[CONFIG_SHOWN_MAX + 32];
        struct stat st;
        if (fstat(fd, &st) < 0)
                return config_refuse(why, "cannot stat: %s", strerror(errno));
        if (!realpath(path, resolved))
                return config_refuse(why, "cannot resolve: %s", strerror(errno));
        snprintf(what, sizeof(what), "the policy file");
        int r = check_safe(&st, what, NULL, why);
        if (r == 0)
                r = check_directories(resolved, what, why);
        if (r < 0) {
                size_t n = strlen(why);
                snprintf(why + n, CONFIG_WHY_MAX - n,
                         "; a privileged oomguard (root, or with capabilities) trusts a policy only root "
                         "can change (chown root, chmod go-w, or move it)");
        }
        return r;
}
