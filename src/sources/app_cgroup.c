/* The application container beside a pod's sidecar (sources/app_cgroup.h):
 * found by its program's name, its cgroup mounts opened through
 * /proc/PID/root. Start-up and rescans only: reads /proc, opens files. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sources/app_cgroup.h"
#include "sources/kv.h"
#include "sources/cgroup_view.h"
#include "sources/memcg.h"
#include "sources/proc_pid.h"
#include "sources/procs.h"
#include "sources/self_cgroup.h"
#include "util.h"

bool app_program_matches(const char *comm, const char *program) {
        return strncmp(comm, program, APP_COMM_MAX) == 0 && strlen(comm) == strnlen(program, APP_COMM_MAX);
}

/* Ours, PID 1's, or a cgroup that holds either ("/..", our pod's): the
 * scope would take in our container or the pause container. */
static bool only_up(const char *view) {
        while (strncmp(view, "/..", 3) == 0)
                view += 3;
        return *view == '\0';
}

static bool excluded(const struct app_search *s, const char *view) {
        if (!cgroup_view_canonical(view) || only_up(view)) /* "/..": the cgroup above ours */
                return true;
        for (size_t i = 0; i < 2; i++)
                if (s->exclude[i] && (strcmp(s->exclude[i], view) == 0 || cgroup_view_within(s->exclude[i], view)))
                        return true;
        return false;
}

void app_search_consider(struct app_search *s, pid_t pid, const char *comm, uint64_t starttime, const char *view) {
        if (!app_program_matches(comm, s->program) || excluded(s, view))
                return;
        if (s->pid && strcmp(view, s->view) != 0) {
                if (!s->other_pid) { /* the first other one, for the log */
                        s->other_pid = pid;
                        snprintf(s->other_view, sizeof(s->other_view), "%s", view);
                }
                return;
        }
        s->matches++;
        if (s->pid && starttime >= s->starttime)
                return;
        s->pid = pid;
        s->starttime = starttime;
        snprintf(s->view, sizeof(s->view), "%s", view);
}

struct search_walk {
        const char *root, *controller;
        pid_t self;
        struct app_search *s;
};

static int visit(pid_t pid, void *ud) {
        struct search_walk *w = ud;
        struct proc_stat st;
        char view[PATH_MAX];
        if (pid == 1 || pid == w->self || read_proc_stat(w->root, pid, &st) < 0 || (st.flags & PF_KTHREAD))
                return 0;
        if (st.state == 'Z' || st.state == 'X' || (st.flags & PF_EXITING))
                return 0; /* the app that was, or is going: its cgroup may read "/" or list it no more */
        if (!app_program_matches(st.comm, w->s->program) ||
            read_proc_cgroup(w->root, pid, w->controller, view, sizeof(view)) < 0)
                return 0; /* gone meanwhile, or no such line */
        app_search_consider(w->s, pid, st.comm, st.starttime, view);
        return 0;
}

int app_search_run(const char *root, const char *controller, struct app_search *s) {
        s->pid = s->other_pid = 0;
        s->matches = 0;
        struct search_walk w = { .root = root, .controller = controller, .self = getpid(), .s = s };
        int r = procs_all(root, visit, &w);
        if (r < 0)
                return r;
        if (s->other_pid)
                return -ENOTUNIQ;
        return s->pid ? 0 : -ESRCH;
}

/* One of our mount paths as the anchor's mount namespace has it, into
 * path when it is a directory there; "" stays "". */
static int mount_there(pid_t pid, char *path, size_t size) {
        char there[PATH_MAX + 64];
        struct stat st;
        if (!*path)
                return 0;
        snprintf(there, sizeof(there), "/proc/%d/root%s", (int)pid, path);
        if (stat(there, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        if (strlen(there) >= size)
                return -ENAMETOOLONG;
        strcpy(path, there);
        return 0;
}

/* Still the process searched, and not exiting: an exiting one has left
 * its cgroup's list already (cgroup_exit) while its pidfd says nothing
 * yet, and is no anchor to check a mount against. */
static bool same_and_staying(pid_t pid, uint64_t starttime) {
        struct proc_stat st;
        return read_proc_stat("/", pid, &st) == 0 && st.starttime == starttime && !(st.flags & PF_EXITING);
}

static int find_pid(pid_t pid, void *ud) { return pid == *(pid_t *)ud ? -EEXIST : 0; }

static int open_all(const struct app_search *s, struct app_cgroup *a) {
        char *paths[4] = { a->mounts.memory_mount, a->mounts.unified_mount, a->mounts.freezer_mount,
                           a->mounts.pids_mount };
        for (size_t i = 0; i < 4; i++) {
                int r = mount_there(s->pid, paths[i], PATH_MAX);
                if (r < 0 && i == 0)
                        return r;
                if (r < 0)
                        paths[i][0] = '\0'; /* no PSI twin, no freezer: said where used */
        }
        /* The mount held before the check: then it is the anchor's too. */
        a->mount_fd = open(a->mounts.memory_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (a->mount_fd < 0)
                return -errno;
        /* The pid is ours until its pidfd says it exited: the paths are the
         * searched process's if it is still there now. */
        if (app_cgroup_anchor_gone(a) || !same_and_staying(s->pid, s->starttime))
                return -ESRCH;
        pid_t want = s->pid;
        int r = procs_in_cgroup(a->mounts.memory_mount, find_pid, &want);
        if (r != -EEXIST && !same_and_staying(s->pid, s->starttime))
                return -ESRCH; /* it began to exit during the read: searched again */
        if (r != -EEXIST)
                return r < 0 ? r : -EXDEV;
        /* The others are written too (freezer.state, pids.max): each must
         * be the anchor's own as well, or it is not used. */
        for (size_t i = 1; i < 4; i++)
                if (paths[i][0] && procs_in_cgroup(paths[i], find_pid, &want) != -EEXIST)
                        paths[i][0] = '\0';
        return 0;
}

int app_cgroup_open(const struct app_search *s, const struct cgroup_mounts *ours, struct app_cgroup *ret) {
        *ret = (struct app_cgroup){
                .pid = s->pid, .starttime = s->starttime, .mount_fd = -1, .mounts = *ours, .limit = BYTES_UNLIMITED
        };
        snprintf(ret->view, sizeof(ret->view), "%s", s->view);
        int fd = (int)syscall(SYS_pidfd_open, s->pid, 0);
        if (fd < 0)
                return -errno;
        ret->pidfd = fd;
        int r = open_all(s, ret);
        if (r < 0 && app_cgroup_anchor_gone(ret))
                r = -ESRCH; /* it exited meanwhile: its root went with it */
        if (r < 0) {
                app_cgroup_close(ret);
                return r;
        }
        ret->limit = cgroup_own_limit(&ret->mounts, "/");
        return 0;
}

void app_cgroup_close(struct app_cgroup *a) {
        if (a->pidfd >= 0)
                close(a->pidfd);
        a->pidfd = -1;
        if (a->mount_fd >= 0)
                close(a->mount_fd);
        a->mount_fd = -1;
}

int app_cgroup_take_mount(struct app_cgroup *a) {
        int fd = a->mount_fd;
        a->mount_fd = -1;
        return fd;
}

bool app_cgroup_anchor_gone(const struct app_cgroup *a) {
        struct pollfd p = { .fd = a->pidfd, .events = POLLIN };
        return a->pidfd < 0 || (poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLHUP)));
}
