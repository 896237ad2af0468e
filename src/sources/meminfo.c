/* /proc/meminfo: the machine-wide numbers, in bytes. */
#include "sources/kv.h"
#include "sources/meminfo.h"
#include "util.h"

int parse_meminfo(const char *buf, size_t len, struct meminfo *ret) {
        struct meminfo m = { 0 };
        bool has_total = false, has_available = false;
        const struct kv_field fields[] = {
                { "MemTotal", &m.mem_total, &has_total },
                { "MemFree", &m.mem_free, NULL },
                { "MemAvailable", &m.mem_available, &has_available },
                { "Buffers", &m.buffers, NULL },
                { "Cached", &m.cached, NULL },
                { "SwapTotal", &m.swap_total, NULL },
                { "SwapFree", &m.swap_free, NULL },
                { "Active(file)", &m.active_file, NULL },
                { "Inactive(file)", &m.inactive_file, NULL },
                { "AnonPages", &m.anon_pages, NULL },
                { "Shmem", &m.shmem, NULL },
                { "Mapped", &m.mapped, NULL },
        };
        int r = parse_kv(buf, len, fields, ELEMENTSOF(fields));
        if (r < 0)
                return r;
        /* Without MemAvailable (kernels < 3.14) any estimate would be a guess. */
        if (!has_total || !has_available)
                return -EBADMSG;
        *ret = m;
        return 0;
}

int read_meminfo(const char *root, struct meminfo *ret) {
        char buf[8192];
        ssize_t n = read_file_at(root, "/proc/meminfo", buf, sizeof(buf));
        if (n < 0)
                return (int)n;
        return parse_meminfo(buf, (size_t)n, ret);
}
