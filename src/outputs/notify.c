/* Service manager notifications. */
#include <stdarg.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

#include "outputs/notify.h"

void notify_ready(void) { sd_notify(0, "READY=1"); }
void notify_stopping(void) { sd_notify(0, "STOPPING=1"); }
void notify_watchdog(void) { sd_notify(0, "WATCHDOG=1"); }

void notify_reloading(void) {
        /* MONOTONIC_USEC lets Type=notify-reload match this reload. */
        sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)(now_ns() / 1000));
}

void notify_status(const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        sd_notifyf(0, "STATUS=%s", msg);
}

uint64_t notify_watchdog_period_ns(void) {
        uint64_t usec = 0;
        if (sd_watchdog_enabled(0, &usec) <= 0)
                return 0;
        return usec * 1000;
}
