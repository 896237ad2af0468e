/* libcgroup in a child process; see sources/libcgroup_child.h. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <libcgroup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sources/libcgroup_child.h"
#include "util.h"

#define ANSWER_MAX (64u << 20) /* a tree this big is not worth a child */

#define CHILD_TIMEOUT_MS 5000 /* a walk takes ~2 ms; a stuck child must not hold the guard */

/* Parent side: the whole answer, NUL-terminated, into a heap buffer;
 * -ETIMEDOUT when the child is too slow. */
static int read_answer(int fd, char **ret, size_t *ret_len) {
        _cleanup_(freep) char *buf = NULL;
        size_t cap = 0, len = 0;
        uint64_t deadline = now_ns() + CHILD_TIMEOUT_MS * NSEC_PER_MSEC;
        for (;;) {
                uint64_t t = now_ns();
                struct pollfd pfd = { .fd = fd, .events = POLLIN };
                if (t >= deadline || poll(&pfd, 1, (int)((deadline - t) / NSEC_PER_MSEC) + 1) == 0)
                        return -ETIMEDOUT;
                if (len + 2 > ANSWER_MAX || GROW(buf, cap, len + 4096 < ANSWER_MAX ? len + 4096 : ANSWER_MAX) < 0)
                        return -ENOMEM;
                ssize_t n = read(fd, buf + len, cap - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        *ret_len = len;
        *ret = buf;
        buf = NULL; /* the caller's now */
        return 0;
}

typedef int (*child_job)(int out_fd, const void *arg);

/* The child: the first the kernel may kill (it inherited the guard's
 * -1000); fork_piped left it nothing of the guard's but its pipe. */
static int child_main(child_job job, const void *arg, int fd) {
        (void)write_file_at("/", "/proc/self/oom_score_adj", "1000");
        return job(fd, arg) == 0 ? 0 : 1;
}

/* Forks, runs job in the child (its exit status is job's result), and
 * returns the child's answer. */
static int run_child(child_job job, const void *arg, char **ret, size_t *ret_len) {
        int fd;
        pid_t pid = fork_piped(true, &fd);
        if (pid < 0)
                return pid;
        if (pid == 0)
                _exit(child_main(job, arg, fd));
        char *answer = NULL;
        size_t len = 0;
        int r = read_answer(fd, &answer, &len);
        close(fd);
        if (r == -ETIMEDOUT)
                (void)kill(pid, SIGKILL);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                free(answer);
                return -ENOENT; /* libcgroup found nothing (or the child died) */
        }
        if (r == 0)
                *ret = answer, *ret_len = len;
        return r;
}

static int mount_job(int fd, const void *arg) {
        (void)arg;
        char *mp = NULL;
        if (cgroup_init() != 0 || cgroup_get_subsys_mount_point("memory", &mp) != 0 || !mp)
                return -1;
        return write_all(fd, mp, strlen(mp));
}

int libcgroup_child_memory_mount(char *buf, size_t size) {
        char *answer;
        size_t len;
        int r = run_child(mount_job, NULL, &answer, &len);
        if (r < 0)
                return r;
        r = len && len < size ? 0 : -ENAMETOOLONG;
        if (r == 0)
                memcpy(buf, answer, len + 1);
        free(answer);
        return r;
}

struct walk_arg {
        const char *base_rel;
        int depth;
};

/* Every directory's full path, each followed by a NUL. */
static int walk_job(int fd, const void *arg) {
        const struct walk_arg *w = arg;
        void *handle = NULL;
        struct cgroup_file_info info;
        int base = 0;
        if (cgroup_init() != 0)
                return -1;
        int cr = cgroup_walk_tree_begin("memory", w->base_rel, w->depth, &handle, &info, &base);
        if (cr == ECGEOF)
                return 0;
        int r = cr == 0 ? 0 : -1;
        while (cr == 0 && r == 0) {
                if (info.type == CGROUP_FILE_TYPE_DIR)
                        r = write_all(fd, info.full_path, strlen(info.full_path) + 1);
                cr = cgroup_walk_tree_next(w->depth, &handle, &info, base);
        }
        cgroup_walk_tree_end(&handle);
        return r;
}

int libcgroup_child_walk(const char *base_rel, int depth, libcgroup_path_fn fn, void *ud) {
        const struct walk_arg w = { .base_rel = base_rel, .depth = depth };
        char *answer;
        size_t len;
        int r = run_child(walk_job, &w, &answer, &len);
        if (r < 0)
                return r;
        for (size_t i = 0; i < len && r >= 0; i += strlen(answer + i) + 1)
                r = fn(answer + i, ud);
        free(answer);
        return r < 0 ? r : 0;
}
