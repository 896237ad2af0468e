/* Our cgroup namespace's root in a hierarchy mounted from outside it
 * (see sources/cgroup_namespace.h). Start-up only. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sources/cgroup_namespace.h"
#include "sources/cgroup_view.h"
#include "sources/mountinfo.h"
#include "sources/proc_pid.h"
#include "util.h"

int cgroupns_levels_above(const char *mount_root) {
        int levels = 0;
        const char *s = mount_root;
        if (s[0] != '/')
                return -EINVAL;
        while (strncmp(s, "/..", 3) == 0 && (s[3] == '\0' || s[3] == '/')) {
                levels++;
                s += 3;
        }
        if (*s == '\0' || strcmp(s, "/") == 0)
                return levels;
        return levels ? -EXDEV : -ENOENT;
}

/* Whether cgroup.procs (open at fd) lists pid: read in pieces, a pid
 * may span two. */
static bool procs_list(int fd, pid_t pid) {
        char buf[4096];
        long cur = 0;
        bool digits = false;
        ssize_t n;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                for (ssize_t i = 0; i < n; i++) {
                        if (buf[i] >= '0' && buf[i] <= '9') {
                                if (cur <= INT_MAX) /* past it, no pid: stop before long overflows */
                                        cur = cur * 10 + (buf[i] - '0');
                                digits = cur <= INT_MAX;
                                continue;
                        }
                        if (digits && cur == pid)
                                return true;
                        cur = 0, digits = false;
                }
        return digits && cur == pid;
}

/* Whether candidate (a directory in the mount, "/a/b") is the root: our
 * own cgroup, self_view below it, lists pid. */
static bool is_our_root(int mount_fd, const char *candidate, const char *self_view, pid_t pid) {
        char ours[PATH_MAX], file[PATH_MAX + 16];
        if (path_resolve(candidate, self_view, ours, sizeof(ours)) < 0 ||
            snprintf(file, sizeof(file), "%s/cgroup.procs", strcmp(ours, "/") == 0 ? "." : ours + 1) >=
                    (int)sizeof(file))
                return false;
        int fd = openat(mount_fd, file, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        bool found = procs_list(fd, pid);
        close(fd);
        return found;
}

struct search {
        int mount_fd;
        const char *self_view;
        pid_t pid;
        char path[PATH_MAX]; /* the directory being looked at, "" = the top */
};

/* Depth first, directories only, `levels` more below s->path. 1 when
 * found (s->path is the root), 0 when not, -errno. */
static int search_below(struct search *s, int dir_fd, int levels) {
        if (levels == 0) {
                close(dir_fd);
                return is_our_root(s->mount_fd, s->path[0] ? s->path : "/", s->self_view, s->pid);
        }
        DIR *d = fdopendir(dir_fd);
        if (!d) {
                close(dir_fd);
                return -errno;
        }
        size_t len = strlen(s->path);
        int r = 0;
        for (struct dirent *e; r == 0 && (e = readdir(d));) {
                if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue; /* cgroupfs fills d_type */
                if (len + 1 + strlen(e->d_name) >= sizeof(s->path))
                        continue;
                int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (sub < 0)
                        continue; /* removed meanwhile */
                sprintf(s->path + len, "/%s", e->d_name);
                r = search_below(s, sub, levels - 1);
                if (r == 0)
                        s->path[len] = '\0';
        }
        closedir(d);
        return r;
}

int cgroupns_find_root(const char *mount, int levels, const char *self_view, pid_t pid, char *ret, size_t size) {
        struct search s = { .self_view = self_view, .pid = pid };
        s.mount_fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s.mount_fd < 0)
                return -errno;
        int top = dup(s.mount_fd);
        int r = top < 0 ? -errno : search_below(&s, top, levels);
        close(s.mount_fd);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        const char *found = s.path[0] ? s.path : "/";
        if (strlen(found) >= size)
                return -ENAMETOOLONG;
        strcpy(ret, found);
        return 0;
}

int cgroupns_map_mount(const char *root, const char *mount, const char *controller, char *ns_root, size_t size) {
        char mount_root[PATH_MAX], self_view[PATH_MAX], buf[16384];
        int r = mountinfo_root_of(root, mount, mount_root, sizeof(mount_root));
        if (r < 0)
                return r == -ENOENT ? 0 : r; /* not listed (a fixture's tree): nothing to map */
        int levels = cgroupns_levels_above(mount_root);
        if (levels <= 0)
                return levels == 0 || levels == -ENOENT ? 0 : levels;
        ssize_t n = read_file_at(root, "/proc/self/cgroup", buf, sizeof(buf)); /* as read: not mapped yet */
        if (n < 0)
                return (int)n;
        r = parse_proc_cgroup(buf, (size_t)n, controller, self_view, sizeof(self_view));
        if (r == 0 && path_has_dot_component(self_view))
                r = -EXDEV; /* moved out of our root since: any sibling of it would fit */
        if (r == 0)
                r = cgroupns_find_root(mount, levels, self_view, getpid(), ns_root, size);
        if (r == 0)
                r = cgroup_view_set(controller, ns_root);
        return r < 0 ? r : 1;
}
