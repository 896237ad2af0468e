/* The report directory ([daemon] report_dir): one file per report, named
 * by its id so that names sort by time, written atomically (a temp file
 * in the directory, renamed), mode 0640; the oldest removed once there
 * are more than report_max_files or more than report_max_bytes. A report
 * that cannot be written is dropped with a warning, logged once until a
 * write succeeds again: never an error that stops the guard. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outputs/report.h"
#include "policy/policy.h"

struct report_store {
        bool enabled; /* report_dir is set */
        int dir_fd;   /* -1: not open (off, or not openable yet: retried at each write) */
        char dir[REPORT_DIR_MAX];
        unsigned max_files;
        uint64_t max_bytes;
        unsigned long written, removed; /* since init */
        unsigned long dropped;          /* since the last write that succeeded */
        bool warned;                    /* the failure was logged (once until a success) */
};

/* Takes report_dir, report_max_files and report_max_bytes from d; creates
 * the directory (0750, parents 0755) when missing, removes temp files a
 * crash left, and applies the limits. Returns 0 (also when reports are
 * off), or -errno when the directory cannot be made or opened: logged,
 * and retried at each write. report_store_free() is always safe after. */
int report_store_init(struct report_store *s, const struct daemon_settings *d);

/* r as JSON (report_json(), in buf of size bytes: REPORT_JSON_MAX), into
 * DIR/ID.json, then the oldest removed while over a limit (never the file
 * just written). path_out (path_size bytes) gets the file's path, or ""
 * when none was written. Returns 1 written, 0 reports off, -errno dropped
 * (logged as said above). No allocation; no fsync (oomguard(8), REPORTS). */
int report_store_write(struct report_store *s, const struct report *r, char *buf, size_t size, char *path_out,
                       size_t path_size);

void report_store_free(struct report_store *s);

/* Whether name is a report file's (an id and ".json"): what the store
 * counts and rotates and --report lists. */
bool report_store_is_report_name(const char *name);
