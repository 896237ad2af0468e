/* Machine-wide sources: /proc/meminfo, /proc/pressure/memory,
 * /proc/zoneinfo, /proc/vmstat, opened once and re-read with pread. */
#include <fcntl.h>

#include "snapshot/machine.h"
#include "util.h"

int machine_sources_open(const char *root, struct machine_sources *ret) {
        struct machine_sources s = {
                .meminfo_fd = open_at_root(root, "/proc/meminfo", O_RDONLY),
                .psi_fd = open_at_root(root, "/proc/pressure/memory", O_RDONLY),
                .zoneinfo_fd = open_at_root(root, "/proc/zoneinfo", O_RDONLY),
                .vmstat_fd = open_at_root(root, "/proc/vmstat", O_RDONLY),
        };
        if (s.meminfo_fd < 0) {
                int r = s.meminfo_fd;
                machine_sources_close(&s);
                return r;
        }
        *ret = s;
        return 0;
}

void machine_sources_close(struct machine_sources *s) {
        int *fds[] = { &s->meminfo_fd, &s->psi_fd, &s->zoneinfo_fd, &s->vmstat_fd };
        for (size_t i = 0; i < ELEMENTSOF(fds); i++) {
                if (*fds[i] >= 0)
                        close(*fds[i]);
                *fds[i] = -1;
        }
}

static ssize_t reread(int fd, char *buf, size_t size) { return fd < 0 ? -EBADF : pread_all(fd, buf, size); }

void machine_sources_read(const struct machine_sources *s, char *buf, size_t size, struct machine_view *m) {
        ssize_t n;
        *m = (struct machine_view){ 0 };
        if ((n = reread(s->meminfo_fd, buf, size)) >= 0)
                m->has_mem = parse_meminfo(buf, (size_t)n, &m->mem) == 0;
        if ((n = reread(s->psi_fd, buf, size)) >= 0)
                m->has_psi = parse_psi(buf, (size_t)n, &m->psi) == 0;
        if ((n = reread(s->zoneinfo_fd, buf, size)) >= 0)
                m->has_zones = parse_zoneinfo(buf, (size_t)n, &m->zones) == 0;
        if ((n = reread(s->vmstat_fd, buf, size)) >= 0)
                m->has_vmstat = parse_vmstat(buf, (size_t)n, &m->vm) == 0;
        machine_derive(m);
}
