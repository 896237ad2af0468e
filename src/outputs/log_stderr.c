/* In sidecar mode (and --log stderr) stderr is often a pipe or FIFO to a
 * container runtime's shim: a shim that does not read fills it, and a
 * blocking write would stall the guard on its kill path, as a stalled
 * journald did (journal_socket.c). A pipe is opened again through
 * /proc/self/fd/2 with O_NONBLOCK: a new open file description, so the
 * workload sharing that stderr keeps its flags. A socket gets
 * MSG_DONTWAIT per send. A terminal or file is written as before. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log_stderr.h"

enum how { HOW_UNKNOWN, HOW_WRITE, HOW_SEND };
static enum how how;
static int fd = STDERR_FILENO;
static unsigned long long lost; /* lines lost since the last one that got through */
static int lost_errno;

/* Once, at the first line: stderr does not change under the daemon. */
static void look(void) {
        struct stat st;
        how = HOW_WRITE;
        if (fstat(STDERR_FILENO, &st) < 0)
                return;
        if (S_ISSOCK(st.st_mode))
                how = HOW_SEND;
        else if (S_ISFIFO(st.st_mode)) {
                /* No /proc, or no reader (ENXIO: a write would fail too): fd 2 as it is. */
                int nfd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                if (nfd >= 0)
                        fd = nfd;
        }
}

/* A signal arriving mid-write is no reason to lose the line: tried again
 * (a few times: a signal storm must not hold the loop here). */
static int put(const char *s, size_t len) {
        for (int tries = 0;; tries++) {
                ssize_t n = how == HOW_SEND ? send(fd, s, len, MSG_DONTWAIT | MSG_NOSIGNAL) : write(fd, s, len);
                if (n >= 0)
                        return 0;
                if (errno != EINTR || tries == 7)
                        return -errno;
        }
}

void log_stderr_write(const char *line, size_t len) {
        if (how == HOW_UNKNOWN)
                look();
        if (lost) {
                char msg[160];
                int m = snprintf(msg, sizeof(msg),
                                 "oomguard: warning: %llu log lines lost while stderr was full (%s)\n", lost,
                                 strerror(lost_errno));
                if (put(msg, (size_t)m) == 0)
                        lost = 0;
        }
        int r = put(line, len);
        if (r < 0) {
                lost++;
                lost_errno = -r;
        }
}
