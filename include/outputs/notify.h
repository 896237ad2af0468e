/* sd_notify: readiness, status, watchdog, reload and stop. No-ops when
 * not started by systemd (NOTIFY_SOCKET unset). */
#pragma once

#include <stdint.h>

#include "util.h"

void notify_ready(void);
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *fmt, ...) _printf_(1, 2);
/* Watchdog period in ns (0 when no watchdog is configured). */
uint64_t notify_watchdog_period_ns(void);
void notify_watchdog(void);
