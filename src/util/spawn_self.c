/* posix_spawn of a program of ours, this one again or another (see
 * util.h spawn_program). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

static int spawn_with(const char *path, posix_spawn_file_actions_t *fa, const int *moved, size_t n_fds,
                      char *const argv[], pid_t *ret_pid) {
        posix_spawnattr_t attr;
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_init(&attr);
        int r = 0;
        for (size_t i = 0; r == 0 && i < n_fds; i++)
                r = posix_spawn_file_actions_adddup2(fa, moved[i], SPAWN_FIRST_FD + (int)i);
        if (r == 0)
                r = posix_spawn_file_actions_addclosefrom_np(fa, SPAWN_FIRST_FD + (int)n_fds);
        if (r == 0)
                r = posix_spawnattr_setsigmask(&attr, &none);
        if (r == 0)
                r = posix_spawnattr_setsigdefault(&attr, &all);
        if (r == 0)
                r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        if (r == 0)
                r = posix_spawn(ret_pid, path, fa, &attr, argv, environ);
        posix_spawnattr_destroy(&attr);
        return -r;
}

int spawn_program(const char *path, char *const argv[], const int *fds, size_t n_fds, pid_t *ret_pid) {
        int moved[SPAWN_FDS_MAX];
        if (n_fds > SPAWN_FDS_MAX)
                return -EINVAL;
        /* Each above the targets first, so that no dup2 overwrites a
         * source still to be moved (and each dup2 clears CLOEXEC). */
        size_t n = 0;
        int r = 0;
        for (; n < n_fds; n++)
                if ((moved[n] = fcntl(fds[n], F_DUPFD_CLOEXEC, SPAWN_FIRST_FD + (int)n_fds)) < 0) {
                        r = -errno;
                        break;
                }
        if (r == 0) {
                posix_spawn_file_actions_t fa;
                posix_spawn_file_actions_init(&fa);
                r = spawn_with(path, &fa, moved, n_fds, argv, ret_pid);
                posix_spawn_file_actions_destroy(&fa);
        }
        while (n > 0)
                close(moved[--n]);
        return r;
}

int spawn_self(char *const argv[], const int *fds, size_t n_fds, pid_t *ret_pid) {
        return spawn_program("/proc/self/exe", argv, fds, n_fds, ret_pid);
}
