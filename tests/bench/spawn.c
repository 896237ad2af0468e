/* Benchmark helper: N sleeping processes inside one cgroup.
 *   spawn N CGDIR
 * Joins CGDIR (cgroup.procs) before forking, so every child starts there.
 * Each child sleeps in pause() and dies with its parent (PDEATHSIG).
 * Prints "ready N" once all are forked (or "ready K" after a fork failure),
 * then waits; SIGTERM/SIGINT make it exit, which kills every child. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
        if (argc < 3) {
                fprintf(stderr, "usage: spawn N CGDIR\n");
                return 2;
        }
        long n = atol(argv[1]);
        char path[4096], pid[32];
        snprintf(path, sizeof(path), "%s/cgroup.procs", argv[2]);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        int len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
        if (fd < 0 || write(fd, pid, (size_t)len) != len) {
                fprintf(stderr, "spawn: cannot join %s: %s\n", argv[2], strerror(errno));
                return 1;
        }
        close(fd);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        sigprocmask(SIG_BLOCK, &set, NULL);
        pid_t self = getpid();
        long made = 0;
        for (; made < n; made++) {
                pid_t c = fork();
                if (c < 0) {
                        fprintf(stderr, "spawn: fork %ld: %s\n", made + 1, strerror(errno));
                        break;
                }
                if (c == 0) {
                        prctl(PR_SET_PDEATHSIG, SIGKILL);
                        if (getppid() != self)
                                _exit(0);
                        sigprocmask(SIG_UNBLOCK, &set, NULL);
                        for (;;)
                                pause();
                }
        }
        printf("ready %ld\n", made);
        fflush(stdout);
        int sig;
        sigwait(&set, &sig);
        return 0; /* the children follow (PR_SET_PDEATHSIG) */
}
