/* Clocks and formatting for people. */
#include <stdio.h>
#include <time.h>

#include "util.h"

static uint64_t clock_ns(clockid_t id) {
        struct timespec ts;
        clock_gettime(id, &ts);
        return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
uint64_t boottime_ns(void) { return clock_ns(CLOCK_BOOTTIME); }

const char *format_bytes(char *buf, size_t size, uint64_t bytes) {
        static const char units[] = "KMGTPE";
        if (bytes == BYTES_UNLIMITED) {
                snprintf(buf, size, "max");
                return buf;
        }
        if (bytes < 1024) {
                snprintf(buf, size, "%lluB", (unsigned long long)bytes);
                return buf;
        }
        double v = (double)bytes;
        size_t u = 0;
        for (v /= 1024; v >= 1024 && u + 1 < sizeof(units) - 1; u++)
                v /= 1024;
        snprintf(buf, size, "%.1f%ciB", v, units[u]);
        return buf;
}

void sanitize_copy(char *dst, size_t size, const char *src) {
        if (size == 0)
                return;
        size_t i = 0;
        for (; src && src[i] && i + 1 < size; i++) {
                unsigned char c = (unsigned char)src[i];
                dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
        }
        dst[i] = '\0';
}
