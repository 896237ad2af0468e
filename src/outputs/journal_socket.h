/* The journal's native socket (/run/systemd/journal/socket), written
 * without ever blocking (log.c's only way to the journal). */
#pragma once

#include <stddef.h>
#include <sys/uio.h>

#define JOURNAL_FIELDS_MAX 40 /* fields of one entry; more are not sent */

/* Sends one entry: fields[0..n) are "KEY=VALUE" without a newline (no
 * newline inside either: log.c replaces control characters), and
 * SYSLOG_IDENTIFIER is added. A journal that is gone or whose queue is
 * full loses the entry (counted); the first entry that gets through
 * after a loss is preceded by one that says how many were lost.
 * Returns 0, or -errno when the entry was lost. */
int journal_socket_send(const struct iovec *fields, size_t n);
