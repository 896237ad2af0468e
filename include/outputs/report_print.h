/* oomguard --report last|ID|list [--json]: the report files for people
 * and scripts (oomguard(8), REPORTS). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

/* what: "list" (one line per report, oldest first), "last" (the newest),
 * an id, a unique start of one, a file name, or a path (it has a '/').
 * json: list as a JSON array of summaries, a report as its file's text,
 * byte for byte. Errors go to stderr. Returns the exit status: 0, or 1
 * (no such report, an unreadable directory or file, not a report). */
int report_print_command(const char *dir, const char *what, bool json, FILE *out);
