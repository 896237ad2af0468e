/* Benchmark helper: N sleeping processes inside one cgroup.
 *   spawn N CGDIR
 * Joins CGDIR (cgroup.procs) before forking, so every child starts there.
 * Each child sleeps in pause() and dies with its parent (PDEATHSIG).
 * Prints "ready N" once all are forked (or "ready K" after a fork failure),
 * then waits; SIGTERM/SIGINT: SIGKILL every child, reap them all (so that
 * no zombie is left to init), print "reaped K" and exit. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
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
        pid_t *kids = calloc((size_t)(n > 0 ? n : 1), sizeof(pid_t));
        if (!kids)
                return 1;
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
                kids[made] = c;
        }
        printf("ready %ld\n", made);
        fflush(stdout);
        int sig;
        sigwait(&set, &sig);
        for (long i = 0; i < made; i++)
                kill(kids[i], SIGKILL);
        long reaped = 0;
        while (wait(NULL) > 0)
                reaped++;
        printf("reaped %ld\n", reaped);
        return 0;
}
