/* /proc/vmstat: reclaim scan counters and the kernel's OOM kill count. */
#include "sources/kv.h"
#include "sources/vmstat.h"
#include "util.h"

int parse_vmstat(const char *buf, size_t len, struct vmstat *ret) {
        struct vmstat v = { 0 };
        const struct kv_field fields[] = {
                { "pgscan_kswapd", &v.pgscan_kswapd, NULL },
                { "pgscan_direct", &v.pgscan_direct, NULL },
                { "pgscan_khugepaged", &v.pgscan_khugepaged, NULL },
                { "pgmajfault", &v.pgmajfault, NULL },
                { "oom_kill", &v.oom_kill, NULL }, /* 4.13+; 0 before */
                { "pswpin", &v.pswpin, NULL },
                { "pswpout", &v.pswpout, NULL },
        };
        int r = parse_kv(buf, len, fields, ELEMENTSOF(fields));
        if (r < 0)
                return r;
        if (r == 0)
                return -EBADMSG;
        *ret = v;
        return 0;
}

int read_vmstat(const char *root, struct vmstat *ret) {
        char buf[16384]; /* ~4 KiB today; new kernels keep adding counters */
        ssize_t n = read_file_at(root, "/proc/vmstat", buf, sizeof(buf));
        if (n < 0)
                return (int)n;
        return parse_vmstat(buf, (size_t)n, ret);
}
