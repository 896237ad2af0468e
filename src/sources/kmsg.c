/* Reading /dev/kmsg: one record per read(), from the end of the buffer
 * at open (what the kernel said before is not replayed). Allocates
 * nothing; the caller owns the record buffer. Records the kernel
 * overwrote before they were read (EPIPE) and records too long for the
 * buffer (EINVAL: the kernel skips them) are counted from the gaps in
 * the sequence numbers. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sources/kmsg.h"
#include "util.h"

/* EPIPE or EINVAL this many times in one call: give the loop back. */
#define KMSG_SKIPS_MAX 64

void kmsg_reader_init_fd(struct kmsg_reader *r, int fd) { *r = (struct kmsg_reader){ .fd = fd }; }

int kmsg_open(const char *root, struct kmsg_reader *r) {
        int fd = open_at_root(root, "/dev/kmsg", O_RDONLY | O_NONBLOCK);
        if (fd < 0)
                return fd;
        if (lseek(fd, 0, SEEK_END) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        kmsg_reader_init_fd(r, fd);
        return 0;
}

static void note_seq(struct kmsg_reader *r, const char *buf, size_t n) {
        struct kmsg_record rec;
        if (parse_kmsg_record(buf, n, &rec) < 0)
                return;
        if (r->has_seq && rec.seq > r->next_seq)
                r->lost += rec.seq - r->next_seq;
        r->has_seq = true;
        r->next_seq = rec.seq + 1;
}

ssize_t kmsg_read_record(struct kmsg_reader *r, char *buf, size_t size) {
        int last = 0;
        if (r->fd < 0)
                return -EBADF;
        if (size < 2)
                return -EINVAL;
        for (int skips = 0; skips < KMSG_SKIPS_MAX;) {
                ssize_t n = read(r->fd, buf, size - 1);
                if (n > 0) {
                        buf[n] = '\0';
                        note_seq(r, buf, (size_t)n);
                        return n;
                }
                if (n == 0 || errno == EAGAIN)
                        return 0;
                last = errno;
                if (last == EINTR)
                        continue;
                if (last != EPIPE && last != EINVAL)
                        return -last;
                /* EPIPE: the position moved to the oldest record still
                 * there; EINVAL: the record was skipped. Either way the
                 * next record's sequence number says how many were lost. */
                if (last == EPIPE)
                        r->overwrites++;
                skips++;
        }
        return last == EINVAL ? -EINVAL : 0;
}

void kmsg_close(struct kmsg_reader *r) {
        if (r->fd >= 0)
                close(r->fd);
        r->fd = -1;
}
