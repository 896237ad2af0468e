/* A report's identity: its kind's name, its time as text, a fresh id.
 * Shared by the gatherer, the JSON writer, the store and the printer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outputs/report.h"

static const char *const kinds[] = {
        [REPORT_ACTION] = "action",
        [REPORT_KERNEL_OOM_KILL] = "kernel-oom-kill",
        [REPORT_WARNING] = "warning",
};

const char *report_kind_to_string(enum report_kind k) {
        return (unsigned)k < sizeof(kinds) / sizeof(kinds[0]) ? kinds[k] : "unknown";
}

void report_format_time(uint64_t realtime_ns, bool compact, char *buf, size_t size) {
        time_t sec = (time_t)(realtime_ns / 1000000000);
        unsigned ms = (unsigned)(realtime_ns / 1000000 % 1000);
        struct tm tm;
        char t[32];
        if (!gmtime_r(&sec, &tm) || !strftime(t, sizeof(t), compact ? "%Y%m%dT%H%M%S" : "%Y-%m-%dT%H:%M:%S", &tm))
                snprintf(t, sizeof(t), "%s", compact ? "00000000T000000" : "0000-00-00T00:00:00");
        snprintf(buf, size, "%s.%03uZ", t, ms);
}

int report_parse_time(const char *s, uint64_t *ret_ns) {
        struct tm tm = { 0 };
        const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
        uint64_t frac = 0, scale = 1000000000;
        if (!p)
                return -EINVAL;
        if (*p == '.')
                for (p++; *p >= '0' && *p <= '9'; p++)
                        if (scale > 1)
                                frac += (uint64_t)(*p - '0') * (scale /= 10);
        time_t sec = timegm(&tm);
        if (strcmp(p, "Z") != 0 || sec < 0)
                return -EINVAL;
        *ret_ns = (uint64_t)sec * 1000000000 + frac;
        return 0;
}

/* The id sorts by time: the compact time, then this process's pid and a
 * count (4 digits, so that two reports of one millisecond sort in the
 * order they were begun; it wraps after 10,000, which two reports of one
 * millisecond never see). */
void report_begin(struct report *r, enum report_kind kind, uint64_t realtime_ns) {
        static unsigned seq;
        char t[32];
        memset(r, 0, sizeof(*r));
        r->kind = kind;
        r->cgroup.derived.time_to_limit_s = -1; /* no leak forecast known */
        r->time_ns = realtime_ns;
        report_format_time(realtime_ns, true, t, sizeof(t));
        snprintf(r->id, sizeof(r->id), "%s-%d-%04u", t, (int)getpid(), seq++ % 10000);
}
