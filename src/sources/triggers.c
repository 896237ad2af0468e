/* Arming kernel event sources (see triggers.h). */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "sources/triggers.h"
#include "util.h"

/* An eventfd registered through cgroup.event_control on one of the
 * cgroup's files, with args after the two fds ("" for none). */
static int v1_event_arm(const char *cgroup_dir, const char *file, const char *args) {
        char path[4096], line[96];
        int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (efd < 0)
                return -errno;
        _cleanup_(closep) int ufd = open_at_root(cgroup_dir, file, O_RDONLY);
        int r = ufd;
        if (ufd >= 0 && (r = path_join(path, sizeof(path), cgroup_dir, "cgroup.event_control")) == 0) {
                snprintf(line, sizeof(line), "%d %d%s%s", efd, ufd, *args ? " " : "", args);
                /* The kernel keeps its own reference to the file. */
                r = write_file_at("/", path, line);
        }
        if (r < 0) {
                close(efd);
                return r;
        }
        return efd;
}

int memcg_v1_threshold_arm(const char *cgroup_dir, uint64_t bytes) {
        char level[24];
        snprintf(level, sizeof(level), "%llu", (unsigned long long)bytes);
        return v1_event_arm(cgroup_dir, "memory.usage_in_bytes", level);
}

/* One slow syscall of a batch: write(fd, line) (a registration), or
 * close(fd) when line is empty. */
struct slow_call {
        int fd, err;
        char line[64];
};

struct slow_batch {
        struct slow_call *calls;
        size_t n;
        atomic_size_t next;
};

static void *slow_worker(void *arg) {
        struct slow_batch *b = arg;
        for (size_t i; (i = atomic_fetch_add(&b->next, 1)) < b->n;) {
                struct slow_call *c = &b->calls[i];
                size_t len = strlen(c->line);
                if (!len)
                        c->err = close(c->fd) < 0 ? -errno : 0;
                else {
                        ssize_t w = write(c->fd, c->line, len);
                        c->err = w == (ssize_t)len ? 0 : w < 0 ? -errno : -EIO;
                }
        }
        return NULL;
}

/* Each thread's stack: the worker needs little; glibc puts the thread's
 * TLS at its top. Mapped for the batch and unmapped after it, so that no
 * thread stack stays resident (and locked) while idle. */
#define SLOW_STACK_BYTES (128 * 1024)

/* Runs the calls from up to TRIGGER_PARALLEL threads at once, and in
 * this one; returns when all are done. Without threads, in this one. */
static void slow_batch_run(struct slow_call *calls, size_t n) {
        struct slow_batch b = { .calls = calls, .n = n };
        size_t want = n > 1 ? (n - 1 < TRIGGER_PARALLEL ? n - 1 : TRIGGER_PARALLEL) : 0, started = 0;
        pthread_t tids[TRIGGER_PARALLEL];
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        char *stacks = want ? mmap(NULL, want * SLOW_STACK_BYTES, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0)
                            : MAP_FAILED;
        for (size_t t = 0; stacks != MAP_FAILED && t < want; t++) {
                char *lo = stacks + t * SLOW_STACK_BYTES; /* its lowest page: a guard */
                pthread_attr_t attr;
                if (mprotect(lo, page, PROT_NONE) < 0 || pthread_attr_init(&attr) != 0)
                        break;
                bool ok = pthread_attr_setstack(&attr, lo + page, SLOW_STACK_BYTES - page) == 0 &&
                          pthread_create(&tids[started], &attr, slow_worker, &b) == 0;
                pthread_attr_destroy(&attr);
                if (!ok)
                        break;
                started++;
        }
        slow_worker(&b);
        for (size_t t = 0; t < started; t++)
                pthread_join(tids[t], NULL);
        if (stacks != MAP_FAILED)
                munmap(stacks, want * SLOW_STACK_BYTES);
}

#define SLOW_BATCH 128 /* calls prepared at once (on the stack) */

void memcg_v1_thresholds_arm(struct v1_threshold_req *reqs, size_t n) {
        struct slow_call calls[SLOW_BATCH];
        int ufds[SLOW_BATCH];
        for (size_t base = 0; base < n; base += SLOW_BATCH) {
                size_t m = n - base < SLOW_BATCH ? n - base : SLOW_BATCH, k = 0;
                size_t which[SLOW_BATCH];
                for (size_t i = 0; i < m; i++) {
                        struct v1_threshold_req *q = &reqs[base + i];
                        int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
                        q->ret_fd = efd < 0 ? -errno : efd;
                        if (efd < 0)
                                continue;
                        int ufd = open_at_root(q->cgroup_dir, "memory.usage_in_bytes", O_RDONLY);
                        int cfd = ufd < 0 ? ufd : open_at_root(q->cgroup_dir, "cgroup.event_control", O_WRONLY);
                        if (cfd < 0) {
                                if (ufd >= 0)
                                        close(ufd);
                                close(efd);
                                q->ret_fd = cfd;
                                continue;
                        }
                        calls[k] = (struct slow_call){ .fd = cfd };
                        snprintf(calls[k].line, sizeof(calls[k].line), "%d %d %llu", efd, ufd,
                                 (unsigned long long)q->bytes);
                        ufds[k] = ufd;
                        which[k++] = base + i;
                }
                slow_batch_run(calls, k);
                for (size_t j = 0; j < k; j++) {
                        struct v1_threshold_req *q = &reqs[which[j]];
                        /* The kernel keeps its own references to both files. */
                        close(ufds[j]);
                        close(calls[j].fd);
                        if (calls[j].err < 0) {
                                close(q->ret_fd);
                                q->ret_fd = calls[j].err;
                        }
                }
        }
}

void triggers_close(int *fds, size_t n) {
        struct slow_call calls[SLOW_BATCH];
        for (size_t base = 0; base < n; base += SLOW_BATCH) {
                size_t m = n - base < SLOW_BATCH ? n - base : SLOW_BATCH, k = 0;
                for (size_t i = 0; i < m; i++)
                        if (fds[base + i] >= 0)
                                calls[k++] = (struct slow_call){ .fd = fds[base + i] };
                slow_batch_run(calls, k);
        }
}

int memcg_v1_oom_event_arm(const char *cgroup_dir) { return v1_event_arm(cgroup_dir, "memory.oom_control", ""); }

int memcg_v1_pressure_arm(const char *cgroup_dir, const char *level) {
        return v1_event_arm(cgroup_dir, "memory.pressure_level", level);
}

void trigger_drain_eventfd(int fd) {
        uint64_t v;
        while (read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v))
                ;
}

int psi_trigger_format(char *buf, size_t size, bool full, uint64_t stall_us, uint64_t window_us) {
        int n = snprintf(buf, size, "%s %llu %llu", full ? "full" : "some", (unsigned long long)stall_us,
                         (unsigned long long)window_us);
        return n < 0 || (size_t)n >= size ? -ENOBUFS : 0;
}

static int psi_write(const char *path, bool full, uint64_t stall_us, uint64_t window_us) {
        char line[64];
        int r = psi_trigger_format(line, sizeof(line), full, stall_us, window_us);
        if (r < 0)
                return r;
        int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* The kernel wants the terminating NUL too. */
        if (write(fd, line, strlen(line) + 1) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

#define PSI_UNPRIV_WINDOW_US (2 * USEC_PER_SEC)

int psi_trigger_arm(const char *path, bool full, uint64_t stall_us, uint64_t window_us, uint64_t *ret_window_us) {
        int fd = psi_write(path, full, stall_us, window_us);
        if (fd >= 0 || (fd != -EPERM && fd != -EINVAL) || window_us == PSI_UNPRIV_WINDOW_US) {
                if (fd >= 0 && ret_window_us)
                        *ret_window_us = window_us;
                return fd;
        }
        uint64_t stall2 = stall_us * PSI_UNPRIV_WINDOW_US / (window_us ? window_us : 1);
        fd = psi_write(path, full, stall2, PSI_UNPRIV_WINDOW_US);
        if (fd >= 0 && ret_window_us)
                *ret_window_us = PSI_UNPRIV_WINDOW_US;
        return fd;
}
