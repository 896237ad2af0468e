/* The application container a pod's sidecar guards (oomguard
 * --sidecar=PROGRAM, oomguard(8) SIDECAR): found by the name of its program
 * among the processes of a shared pid namespace, never in our own cgroup
 * nor in PID 1's (a pod's pause container); its cgroup tree read through
 * /proc/PID/root/sys/fs/cgroup (the app's own mount, rooted at its own
 * cgroup). Those paths are the anchor's only while it lives: its pidfd
 * tells when it exits, and the daemon looks again before using them (a
 * path another process resolves too, so the restore file's entries name
 * the anchor's identity: actions/restore.h). Needs ptrace-read
 * access to the app (the same uid and no capability it lacks, or
 * CAP_SYS_PTRACE). Live system only; the search allocates nothing but
 * reads /proc: start-up and rescans only, never the kill path. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sources/cgroup_tree.h"

/* The kernel keeps the first 15 bytes of a program's name as its comm. */
#define APP_COMM_MAX 15

/* The search's state (pure: app_search_consider). */
struct app_search {
        const char *program;    /* a name, no '/' */
        const char *exclude[2]; /* views never the app's (ours, PID 1's); NULL = none */
        pid_t pid;              /* the oldest match in the chosen cgroup; 0 = none */
        uint64_t starttime;
        char view[PATH_MAX]; /* its /proc/PID/cgroup path, as we see it */
        unsigned matches;    /* processes of that name in it */
        pid_t other_pid;     /* a match in another cgroup: ambiguous; 0 = none */
        char other_view[PATH_MAX];
};

/* Pure: whether comm (/proc/PID/stat's) is program's, cut as the kernel cuts. */
bool app_program_matches(const char *comm, const char *program);

/* Pure: one process of the pid namespace. Takes it when its comm is the
 * program's and its view is not excluded: the first one chooses the
 * cgroup, an older one in that cgroup becomes the anchor, one in another
 * cgroup makes the search ambiguous (other_pid). */
void app_search_consider(struct app_search *s, pid_t pid, const char *comm, uint64_t starttime, const char *view);

/* Every process of ROOT/proc but PID 1 and ourselves through
 * app_search_consider (s->program and s->exclude set by the caller).
 * 0 with s->pid set, -ESRCH when none matched, -ENOTUNIQ when two
 * cgroups hold the program. */
int app_search_run(const char *root, const char *controller, struct app_search *s);

/* The app's cgroup mounts, through /proc/PID/root. */
struct app_cgroup {
        pid_t pid; /* the anchor: its exit starts a new search */
        uint64_t starttime;
        int pidfd; /* the anchor's; -1 = none */
        /* mounts.memory_mount opened (O_PATH) while the anchor lived: its
         * container's files, reachable after the anchor exits; -1 = none */
        int mount_fd;
        struct cgroup_mounts mounts; /* ours, each path under /proc/PID/root */
        char view[PATH_MAX];         /* the anchor's /proc/PID/cgroup path */
        uint64_t limit;              /* its own limit; BYTES_UNLIMITED */
};

/* Finds the mounts of ours (their paths in the app's mount namespace are
 * those of ours: one runtime made both containers) for the anchor the
 * search found, and checks that the anchor is listed in the memory mount's
 * tree (the mount is its container's, not a host's hierarchy) and is
 * still the same process. -EACCES/-EPERM: no ptrace access; -EXDEV: the
 * anchor is not in that tree; -ESRCH: gone meanwhile. */
int app_cgroup_open(const struct app_search *s, const struct cgroup_mounts *ours, struct app_cgroup *ret);
/* Closes both fds (app_cgroup_take_mount first to keep mount_fd). */
void app_cgroup_close(struct app_cgroup *a);
/* Hands mount_fd over to the caller (to close), -1 when none. */
int app_cgroup_take_mount(struct app_cgroup *a);
/* Whether the anchor has exited (its pidfd is readable). */
bool app_cgroup_anchor_gone(const struct app_cgroup *a);
