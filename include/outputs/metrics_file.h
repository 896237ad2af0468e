/* The metrics file ([daemon] metrics_file): the exposition text written
 * whole to a temp file in the same directory (".NAME.tmp", which no
 * "*.prom" glob matches), mode 0644, then renamed over NAME, so that a
 * reader (node_exporter's textfile collector, metrics_listen) opens
 * either the previous file or the new one, never a part. The directory
 * is made (0755, readable by an unprivileged collector) when missing. A
 * write that fails (a full or read-only filesystem) costs one warning
 * until a write succeeds again: never the guard. No fsync: the file is
 * rewritten every metrics_interval, and lost with its counters at a
 * crash. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

struct metrics_file {
        bool enabled; /* a path is set */
        int dir_fd;   /* -1: not open (retried at each write) */
        char dir[REPORT_DIR_MAX], name[REPORT_DIR_MAX];
        unsigned long written;
        unsigned long dropped; /* since the last write that succeeded */
        bool warned;           /* the failure was logged (once until a success) */
};

/* path: absolute, "" = off. Returns 0, or -errno when the directory
 * cannot be made or opened (logged; retried at each write).
 * metrics_file_free() is always safe after. */
int metrics_file_init(struct metrics_file *f, const char *path);
/* text (len bytes) as the file. Returns 1 written, 0 off, -errno dropped. */
int metrics_file_write(struct metrics_file *f, const char *text, size_t len);
void metrics_file_free(struct metrics_file *f);
