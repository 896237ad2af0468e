/* Internal to outputs/report_*.c: the calls between the report's files.
 *   report_gather.c  -> report_tree.c (the walk of the scope)
 *   report_print.c   -> report_parse.c (a file back into struct report)
 *                         -> json_parse.c (JSON tokens)
 *                    -> report_text.c (a report for a person) */
#pragma once

#include <stdio.h>

#include "outputs/report.h"

/* report_gather.c: every "key value" line of a kernel file (memory.stat,
 * memory.events) into kv, at most max of them, in file order; lines that
 * do not parse and keys longer than a report_kv holds are skipped. Pure.
 * Returns how many were stored. */
size_t report_parse_kv(const char *buf, size_t len, struct report_kv *kv, size_t max);

/* report_tree.c: one walk of the scope (a->cgroup_dir and its children,
 * or every process under a->root): r's top, its task counts when it has
 * none, the victim's start time and whether it is gone, and its tree.
 * table (size bytes, 4-aligned) holds what the tree needs of each
 * process. Returns 0, or -errno when the scope could not be listed. */
int report_walk_scope(struct report *r, const struct report_gather_args *a, void *table, size_t size);

/* report_parse.c: a report file's JSON text (len bytes) back into r, as
 * report_json() wrote it; fields it lacks stay cleared, fields it does
 * not know are ignored. 0, or -EBADMSG (why in err) when it is not JSON
 * or not a report. tokens: scratch of n_tokens (json_parse.h). */
struct json_token;
int report_parse(const char *text, size_t len, struct json_token *tokens, size_t n_tokens, struct report *r, char *err,
                 size_t err_size);

/* report_text.c: r for a person: what fired and why, the victim and its
 * tree, the cgroup against its limit, the machine, the top processes, the
 * candidates, what was freed. file: where it was read from (or NULL).
 * Every string shown is made safe for a terminal (report_text_safe). */
void report_print_text(const struct report *r, const char *file, FILE *out);
/* One line of --report list. */
void report_print_list_line(const struct report *r, FILE *out);
void report_print_list_header(FILE *out);
/* s for a terminal, into buf: valid UTF-8 kept, control characters (C0,
 * DEL, C1) and bytes that are not UTF-8 as '?'. Returns buf. */
const char *report_text_safe(const char *s, char *buf, size_t size);
