/* The journal's native protocol on a socket of our own, non-blocking.
 * sd_journal_sendv() sends on a blocking socket: a journald that is
 * stopped (SIGSTOP), busy, or restarting with its queue full (at most
 * net.unix.max_dgram_qlen datagrams, 10 by default) holds the sender in
 * sendmsg(), and the guard logs on its kill path: that wait would be the
 * kernel's chance to kill first (tests/t-live-journal.sh saw it). Here a
 * full queue or a missing socket costs the entry, never a wait. The
 * address is resolved at every send, so a journald restarted at the same
 * path is found again at once. Hot path: no allocation. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "journal_socket.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define SNDBUF_BYTES (8 * 1024 * 1024) /* libsystemd's: many entries in flight */

static int fd = -1;
static unsigned long long lost; /* entries lost since the last one that got through */
static int lost_errno;

static int open_socket(void) {
        if (fd >= 0)
                return fd;
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        int v = SNDBUF_BYTES;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0)
                (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
        return fd;
}

static int send_fields(const struct iovec *fields, size_t n) {
        static const struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET };
        struct iovec w[2 * JOURNAL_FIELDS_MAX + 1];
        size_t j = 0;
        for (size_t i = 0; i < n && i < JOURNAL_FIELDS_MAX; i++) {
                w[j++] = fields[i];
                w[j++] = (struct iovec){ .iov_base = (void *)"\n", .iov_len = 1 };
        }
        w[j++] = (struct iovec){ .iov_base = (void *)"SYSLOG_IDENTIFIER=oomguard\n",
                                 .iov_len = strlen("SYSLOG_IDENTIFIER=oomguard\n") };
        int s = open_socket();
        if (s < 0)
                return s;
        const struct msghdr mh = { .msg_name = (void *)&sa,
                                   .msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                                                              sizeof(JOURNAL_SOCKET)),
                                   .msg_iov = w,
                                   .msg_iovlen = j };
        return sendmsg(s, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* One entry saying how many were lost, before the next one that gets through. */
static void send_lost(void) {
        char msg[160];
        snprintf(msg, sizeof(msg), "MESSAGE=journal: %llu messages lost while its socket was gone or full (%s)", lost,
                 strerror(lost_errno));
        const struct iovec f[2] = { { .iov_base = (void *)"PRIORITY=4", .iov_len = strlen("PRIORITY=4") },
                                    { .iov_base = msg, .iov_len = strlen(msg) } };
        if (send_fields(f, 2) == 0)
                lost = 0;
}

int journal_socket_send(const struct iovec *fields, size_t n) {
        if (lost)
                send_lost();
        int r = send_fields(fields, n);
        if (r < 0) {
                lost++;
                lost_errno = -r;
        }
        return r;
}
