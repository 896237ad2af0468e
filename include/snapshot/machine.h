/* Machine-wide sources with their files kept open. */
#pragma once

#include "snapshot/snapshot.h"

struct machine_sources {
        int meminfo_fd, psi_fd, zoneinfo_fd, vmstat_fd; /* -1 = unavailable */
};

/* Opens what exists under root; missing PSI or zoneinfo is not an error
 * (old kernels, psi=0). -errno only when /proc/meminfo is unreadable. */
int machine_sources_open(const char *root, struct machine_sources *ret);
void machine_sources_close(struct machine_sources *s);

/* Hot path: pread + parse into m, then machine_derive(). */
void machine_sources_read(const struct machine_sources *s, char *scratch, size_t size, struct machine_view *m);
