/* /proc/meminfo: machine-wide memory. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct meminfo {
        uint64_t mem_total; /* bytes */
        uint64_t mem_free;
        uint64_t mem_available;
        uint64_t buffers;
        uint64_t cached;
        uint64_t swap_total;
        uint64_t swap_free;
        uint64_t active_file;
        uint64_t inactive_file;
        uint64_t anon_pages;
        uint64_t shmem;
        uint64_t mapped; /* Mapped: file pages mapped by processes */
};

/* -EBADMSG when MemTotal or MemAvailable is missing (kernels < 3.14). */
int parse_meminfo(const char *buf, size_t len, struct meminfo *ret);
int read_meminfo(const char *root, struct meminfo *ret);
