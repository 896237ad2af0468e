/* Test helper: an independent witness of a v1 memory cgroup's OOM.
 *   oomwatch CGROUP_DIR CMD [ARGS...]
 * Registers its own eventfd on CGROUP_DIR/memory.oom_control (the kernel
 * signals it when the cgroup goes under OOM), starts CMD inside the cgroup,
 * and prints one line when CMD is gone:
 *   pid=PID oom_to_gone_ms=MS status=STATUS
 * MS: from the OOM event to CMD's exit (-1: no OOM event came); STATUS: the
 * exit code, or "SIGNAME" when a signal ended it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int arm(const char *dir) {
        char path[4096], line[64];
        int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
        int ofd = open(path, O_RDONLY | O_CLOEXEC);
        snprintf(path, sizeof(path), "%s/cgroup.event_control", dir);
        int cfd = open(path, O_WRONLY | O_CLOEXEC);
        if (efd < 0 || ofd < 0 || cfd < 0)
                return -1;
        int n = snprintf(line, sizeof(line), "%d %d", efd, ofd);
        if (write(cfd, line, (size_t)n) != n)
                return -1;
        close(cfd);
        return efd; /* ofd stays open: the kernel holds its own reference anyway */
}

static pid_t start(const char *dir, char **argv) {
        pid_t pid = fork();
        if (pid != 0)
                return pid;
        char path[4096];
        snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
        FILE *f = fopen(path, "w");
        if (!f || fprintf(f, "0\n") < 0 || fclose(f) != 0)
                _exit(99);
        execvp(argv[0], argv);
        _exit(98);
}

int main(int argc, char **argv) {
        if (argc < 3) {
                fprintf(stderr, "usage: oomwatch CGROUP_DIR CMD [ARGS...]\n");
                return 2;
        }
        int efd = arm(argv[1]);
        if (efd < 0) {
                fprintf(stderr, "oomwatch: cannot register on %s: %s\n", argv[1], strerror(errno));
                return 2;
        }
        pid_t pid = start(argv[1], argv + 2);
        int pfd = pid < 0 ? -1 : (int)syscall(SYS_pidfd_open, pid, 0);
        if (pfd < 0) {
                fprintf(stderr, "oomwatch: cannot start %s: %s\n", argv[2], strerror(errno));
                return 2;
        }
        double t_oom = -1;
        struct pollfd p[2] = { { .fd = pfd, .events = POLLIN }, { .fd = efd, .events = POLLIN } };
        for (;;) {
                if (poll(p, t_oom < 0 ? 2 : 1, -1) < 0 && errno != EINTR)
                        return 2;
                if (t_oom < 0 && (p[1].revents & POLLIN))
                        t_oom = now_ms();
                if (p[0].revents & POLLIN)
                        break;
        }
        double gone = now_ms();
        int status;
        if (waitpid(pid, &status, 0) < 0)
                return 2;
        printf("pid=%d oom_to_gone_ms=%.2f status=", (int)pid, t_oom < 0 ? -1.0 : gone - t_oom);
        if (WIFSIGNALED(status))
                printf("SIG%s\n", sigabbrev_np(WTERMSIG(status)));
        else
                printf("%d\n", WEXITSTATUS(status));
        return 0;
}
