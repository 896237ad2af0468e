/* Logging: the journal with structured fields when oomguard runs under
 * systemd (or the journal socket exists and stderr is not a terminal),
 * else one line per message on stderr. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "util.h"

enum log_target { LOG_TARGET_AUTO, LOG_TARGET_STDERR, LOG_TARGET_JOURNAL };

void log_setup(enum log_target target, bool verbose);
bool log_to_journal(void);
bool log_is_verbose(void); /* debug messages shown (-v) */

void log_msg(int priority, const char *fmt, ...) _printf_(2, 3);
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)

/* Log and return the (negative) error: return log_error_errno(r, "...: %m") */
int log_error_errno(int err, const char *fmt, ...) _printf_(2, 3);

/* A structured event: MESSAGE plus KEY=value fields (journal) or
 * "message key=value ..." (stderr). No allocation. */
struct log_field {
        const char *key; /* "OOMGUARD_RULE" */
        const char *value;
};

/* MESSAGE_IDs, one per event kind (journalctl MESSAGE_ID=...). */
#define MSGID_DECISION "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a60"
#define MSGID_ACTION "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a61"
#define MSGID_RELOAD "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a62"
#define MSGID_CLEARED "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a63"
#define MSGID_RESTART_LOOP "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a64"
#define MSGID_ZOMBIES "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a65"
#define MSGID_ADJUST "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a66"
#define MSGID_KERNEL_OOM_KILL "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a67" /* the kernel killed first: a miss */
#define MSGID_WARNING "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a68"         /* an early warning (outputs/warning.h) */
#define MSGID_WARNING_CLEARED "5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a69" /* its episode ended */

void log_event(int priority, const char *message_id, const struct log_field *fields, size_t n_fields, const char *fmt,
               ...) _printf_(5, 6);
