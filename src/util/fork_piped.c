/* fork(2) with a pipe between parent and child. */
#include <fcntl.h>
#include <unistd.h>

#include "util.h"

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
        return pid;
}
