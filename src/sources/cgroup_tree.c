/* Memory cgroup discovery: which layout, where "memory" is mounted, and
 * which cgroups exist. Mounts: on the live system libcgroup (in a child
 * process, see sources/libcgroup_child.h), for a fixture root the root's
 * own proc/self/mounts (libcgroup cannot be pointed at another root).
 * Cgroups: a directory walk, for both (below). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sources/cgroup_tree.h"
#include "sources/libcgroup_child.h"
#include "util.h"

static bool is_live_root(const char *root) { return !root || !*root || strcmp(root, "/") == 0; }

static bool has_option(const char *opts, const char *want) {
        size_t n = strlen(want);
        for (const char *p = opts; p && *p;) {
                const char *comma = strchr(p, ',');
                size_t len = comma ? (size_t)(comma - p) : strlen(p);
                if (len == n && strncmp(p, want, n) == 0)
                        return true;
                p = comma ? comma + 1 : NULL;
        }
        return false;
}

/* One mounts line: "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0". */
static void parse_mount_line(const char *line, struct cgroup_mounts *m, bool *v1_memory) {
        char dev[64], dir[PATH_MAX], type[32], opts[512];
        if (sscanf(line, "%63s %4095s %31s %511s", dev, dir, type, opts) != 4)
                return;
        if (strcmp(type, "cgroup2") == 0 && !m->unified_mount[0])
                snprintf(m->unified_mount, sizeof(m->unified_mount), "%s", dir);
        else if (strcmp(type, "cgroup") == 0 && has_option(opts, "freezer") && !m->freezer_mount[0])
                snprintf(m->freezer_mount, sizeof(m->freezer_mount), "%s", dir);
        else if (strcmp(type, "cgroup") == 0 && has_option(opts, "pids") && !m->pids_mount[0])
                snprintf(m->pids_mount, sizeof(m->pids_mount), "%s", dir);
        if (strcmp(type, "cgroup") == 0 && has_option(opts, "memory") && !*v1_memory) {
                snprintf(m->memory_mount, sizeof(m->memory_mount), "%s", dir);
                *v1_memory = true;
        }
}

int parse_cgroup_mounts(const char *buf, size_t len, struct cgroup_mounts *ret) {
        struct cgroup_mounts m = { 0 };
        bool v1_memory = false;
        char line[8192];
        for (size_t i = 0; i < len;) {
                size_t j = i;
                while (j < len && buf[j] != '\n')
                        j++;
                size_t n = j - i < sizeof(line) - 1 ? j - i : sizeof(line) - 1;
                memcpy(line, buf + i, n);
                line[n] = '\0';
                parse_mount_line(line, &m, &v1_memory);
                i = j + 1;
        }
        if (v1_memory) {
                m.memory_version = CGROUP_V1;
                m.layout = m.unified_mount[0] ? LAYOUT_HYBRID : LAYOUT_V1;
        } else if (m.unified_mount[0]) {
                /* Whether cgroup2 has "memory" needs cgroup.controllers:
                 * the caller checks; here the layout is provisional. */
                m.memory_version = CGROUP_V2;
                m.layout = LAYOUT_V2;
                snprintf(m.memory_mount, sizeof(m.memory_mount), "%s", m.unified_mount);
        } else
                return -ENOENT;
        *ret = m;
        return 0;
}

static bool unified_has_memory(const char *root, const char *unified) {
        char path[PATH_MAX], buf[1024];
        if (path_join(path, sizeof(path), unified, "cgroup.controllers") < 0)
                return false;
        if (read_file_at(root, path, buf, sizeof(buf)) < 0)
                return false;
        for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n"))
                if (strcmp(tok, "memory") == 0)
                        return true;
        return false;
}

static void prefix_root(const char *root, char *path, size_t size) {
        char tmp[PATH_MAX];
        if (!path[0] || is_live_root(root))
                return;
        snprintf(tmp, sizeof(tmp), "%s", path);
        if (path_join(path, size, root, tmp) < 0)
                path[0] = '\0';
}

#define MOUNTS_MAX 65536

int cgroup_mounts_discover(const char *root, struct cgroup_mounts *ret) {
        /* On the heap: start-up short of memory gets ENOMEM, not a stack
         * that cannot grow (SIGSEGV). */
        char *buf = malloc(MOUNTS_MAX);
        if (!buf)
                return -ENOMEM;
        ssize_t n = read_file_at(root, "/proc/self/mounts", buf, MOUNTS_MAX);
        struct cgroup_mounts m;
        int r = n < 0 ? (int)n : parse_cgroup_mounts(buf, (size_t)n, &m);
        free(buf);
        if (r < 0)
                return r;
        if (m.layout == LAYOUT_V2 && !unified_has_memory(root, m.unified_mount))
                return -ENOENT; /* cgroup2 only, memory controller not enabled */
        /* memory.pressure may still be missing per cgroup (psi=0). */
        m.unified_has_psi = m.unified_mount[0] != '\0';
        if (is_live_root(root)) {
                char lib[PATH_MAX];
                if (libcgroup_child_memory_mount(lib, sizeof(lib)) == 0)
                        snprintf(m.memory_mount, sizeof(m.memory_mount), "%s", lib);
        }
        prefix_root(root, m.memory_mount, sizeof(m.memory_mount));
        prefix_root(root, m.unified_mount, sizeof(m.unified_mount));
        prefix_root(root, m.freezer_mount, sizeof(m.freezer_mount));
        prefix_root(root, m.pids_mount, sizeof(m.pids_mount));
        *ret = m;
        return 0;
}

const char *cgroup_layout_to_string(enum cgroup_layout l) {
        switch (l) {
        case LAYOUT_V1:
                return "v1";
        case LAYOUT_V2:
                return "v2";
        case LAYOUT_HYBRID:
                return "hybrid";
        default:
                return "none";
        }
}

/* Hands rel paths ("/", "/a", "/a/b") to the visitor. */
static int visit_full_path(const char *mount, const char *full, cgroup_visit_fn fn, void *ud) {
        size_t ml = strlen(mount);
        while (ml > 1 && mount[ml - 1] == '/')
                ml--;
        if (strncmp(full, mount, ml) != 0)
                return 0;
        char rel[PATH_MAX];
        snprintf(rel, sizeof(rel), "%s", full[ml] ? full + ml : "/");
        size_t rl = strlen(rel);
        while (rl > 1 && rel[rl - 1] == '/')
                rel[--rl] = '\0';
        return fn(rel, ud);
}

/* The directory walk, live and fixture alike: directories only, told
 * apart by readdir's d_type (cgroupfs and cgroup2 fill it in; a stat only
 * where a filesystem does not), and never deeper than asked. libcgroup's
 * walk (fts) descends the whole subtree and stats every file whatever the
 * depth: for a glob one level deep over 1,000 v1 cgroups, 35,000 stats
 * and ~140 ms of a child process every rescan (1.4 % of a core at the
 * default 10 s); this one reads one directory. */
struct walk {
        const char *mount;
        cgroup_visit_fn fn;
        void *ud;
        int depth;
        char path[PATH_MAX];
};

static bool is_dot(const char *n) { return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])); }

static bool is_dir(DIR *d, const struct dirent *e) {
        struct stat st;
        if (e->d_type != DT_UNKNOWN)
                return e->d_type == DT_DIR;
        return fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* w->path (len bytes) exists and is visited; its subdirectories follow,
 * depth first, down to w->depth (0 = all). */
static int walk_dir(struct walk *w, size_t len, int level) {
        int r = visit_full_path(w->mount, w->path, w->fn, w->ud);
        if (r < 0 || (w->depth && level >= w->depth))
                return r;
        DIR *d = opendir(w->path);
        if (!d)
                return errno_is_vanished(-errno) || errno == ENOTDIR ? 0 : -errno;
        struct dirent *e;
        while (r >= 0 && (e = readdir(d))) {
                size_t n = strlen(e->d_name);
                if (is_dot(e->d_name) || len + 1 + n >= sizeof(w->path) || !is_dir(d, e))
                        continue;
                w->path[len] = '/';
                memcpy(w->path + len + 1, e->d_name, n + 1);
                r = walk_dir(w, len + 1 + n, level + 1);
                w->path[len] = '\0';
        }
        closedir(d);
        return r;
}

int cgroup_tree_walk(const char *root, const struct cgroup_mounts *m, const char *base_rel, int depth,
                     cgroup_visit_fn fn, void *ud) {
        (void)root; /* m->memory_mount includes it */
        struct walk *w = malloc(sizeof(*w));
        if (!w)
                return -ENOMEM;
        *w = (struct walk){ .mount = m->memory_mount, .fn = fn, .ud = ud, .depth = depth };
        int r = path_join(w->path, sizeof(w->path), m->memory_mount, base_rel);
        size_t len = r < 0 ? 0 : strlen(w->path);
        while (len > 1 && w->path[len - 1] == '/')
                w->path[--len] = '\0';
        struct stat st;
        if (r >= 0 && stat(w->path, &st) < 0) /* a base that does not exist: an empty walk */
                r = errno_is_vanished(-errno) ? 1 : -errno;
        else if (r >= 0 && !S_ISDIR(st.st_mode))
                r = 1;
        if (r == 0)
                r = walk_dir(w, len, 0);
        free(w);
        return r < 0 ? r : 0;
}

static bool has_wildcard(const char *c, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (strchr("*?[\\", c[i]))
                        return true;
        return false;
}

const char *cgroup_psi_dir(const struct cgroup_mounts *m, const char *rel, char *buf, size_t size) {
        struct stat st;
        if (!m->unified_mount[0] || path_join(buf, size, m->unified_mount, rel) < 0 || stat(buf, &st) < 0)
                return NULL;
        return buf;
}

void glob_walk_base(const char *glob, char *base, size_t size, int *ret_depth) {
        size_t keep = 0; /* bytes of the glob that are literal directories */
        int depth = 0;
        bool any_depth = false; /* a "**" component */
        for (const char *c = glob; *c;) {
                if (*c == '/') {
                        c++;
                        continue;
                }
                size_t n = strcspn(c, "/");
                if (n == 2 && c[0] == '*' && c[1] == '*')
                        any_depth = true;
                if (!depth && !has_wildcard(c, n))
                        keep = (size_t)(c - glob) + n;
                else
                        depth++;
                c += n;
        }
        if (keep == 0 || glob[0] != '/')
                snprintf(base, size, "/");
        else
                snprintf(base, size, "%.*s", (int)keep, glob);
        if (any_depth)
                *ret_depth = 0; /* the whole subtree */
        else
                *ret_depth = depth ? depth : 1; /* a literal path: itself (and its children) */
}
