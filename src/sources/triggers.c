/* Arming kernel event sources (see triggers.h). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>

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
