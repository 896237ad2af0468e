/* libFuzzer entry for every pure parser: the first byte picks the parser,
 * the rest is its input. Built by `make fuzz` with clang's
 * -fsanitize=fuzzer,address,undefined. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sources/procs.h"
#include "actions/restore.h"
#include "sources/cgroup_tree.h"
#include "sources/kv.h"
#include "sources/memcg.h"
#include "sources/meminfo.h"
#include "sources/proc_connector.h"
#include "sources/proc_pid.h"
#include "sources/psi.h"
#include "sources/vmstat.h"
#include "sources/zoneinfo.h"
#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ignore_pid(pid_t pid, void *ud) {
        (void)pid;
        (void)ud;
        return 0;
}
static void ignore_event(const struct pc_event *ev, void *ud) {
        (void)ev;
        (void)ud;
}

/* Parsers of NUL-terminated strings get a terminated (writable) copy. */
static void strings(uint8_t which, char *s) {
        uint64_t u;
        uint64_t ns;
        struct size_or_pct sp;
        double d;
        bool b;
        struct restore_entry e;
        switch (which % 7) {
        case 0:
                (void)parse_size(s, &u);
                break;
        case 1:
                (void)parse_size_or_pct(s, &sp);
                break;
        case 2:
                (void)parse_duration(s, &ns);
                break;
        case 3:
                (void)parse_double(s, &d);
                break;
        case 4:
                (void)parse_bool(s, &b);
                break;
        case 5:
                (void)restore_holds(RESTORE_MEMORY_HIGH, s, strlen(s), "max");
                break;
        case 6:
                (void)restore_parse_line(s, &e);
                break;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1)
                return 0;
        const char *buf = (const char *)data + 1;
        size_t len = size - 1;
        union {
                struct meminfo m;
                struct psi p;
                struct zoneinfo z;
                struct vmstat v;
                struct memcg_stat ms;
                struct proc_stat st;
                struct proc_status ps;
                struct cgroup_mounts cm;
        } out;
        uint64_t a, b, c;
        bool flag;
        int i;
        char path[256];
        long carry = 0;
        switch (data[0] % 17) {
        case 0:
                (void)parse_meminfo(buf, len, &out.m);
                break;
        case 1:
                (void)parse_psi(buf, len, &out.p);
                break;
        case 2:
                (void)parse_zoneinfo(buf, len, &out.z);
                break;
        case 3:
                (void)parse_vmstat(buf, len, &out.v);
                break;
        case 4:
                (void)parse_memcg_v1_stat(buf, len, &out.ms);
                break;
        case 5:
                (void)parse_memcg_v2_stat(buf, len, &out.ms);
                break;
        case 6:
                (void)parse_memcg_v1_oom_control(buf, len, &flag, &a, &b);
                break;
        case 7:
                (void)parse_memcg_v2_events(buf, len, &a, &b, &c);
                break;
        case 8:
                (void)parse_proc_stat(buf, len, &out.st);
                break;
        case 9:
                (void)parse_proc_status(buf, len, &out.ps);
                break;
        case 10:
                (void)parse_int_value(buf, len, &i);
                break;
        case 11:
                (void)parse_proc_cgroup(buf, len, "memory", path, sizeof(path));
                break;
        case 12:
                (void)parse_u64_or_max(buf, len, &a);
                break;
        case 13:
                (void)parse_cgroup_mounts(buf, len, &out.cm);
                break;
        case 14:
                (void)parse_pid_list(buf, len, &carry, ignore_pid, NULL);
                break;
        case 15:
                (void)parse_proc_connector(buf, len, ignore_event, NULL);
                break;
        default: {
                char s[512];
                size_t n = len < sizeof(s) - 1 ? len : sizeof(s) - 1;
                memcpy(s, buf, n);
                s[n] = '\0';
                strings(data[0] / 17, s);
        }
        }
        return 0;
}
