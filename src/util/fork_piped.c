/* fork(2) with a pipe between parent and child. */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static void close_all_but(int keep) {
        if (keep > 3)
                (void)syscall(SYS_close_range, 3u, (unsigned)keep - 1, 0u);
        (void)syscall(SYS_close_range, (unsigned)keep + 1, ~0u, 0u);
}

pid_t fork_piped(bool child_writes, int *ret_fd) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        pid_t pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(p[0]);
                close(p[1]);
                return r;
        }
        /* p[0] reads, p[1] writes: each side keeps its own end. */
        bool writer = pid == 0 ? child_writes : !child_writes;
        close(p[writer ? 0 : 1]);
        *ret_fd = p[writer ? 1 : 0];
        if (pid == 0) /* nothing of the parent's: its pipes must reach EOF when it dies */
                close_all_but(*ret_fd);
        return pid;
}
