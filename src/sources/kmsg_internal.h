/* The line parsers behind kmsg_parse.c's state machine (kmsg_lines.c).
 * Each takes one record's text (escaped, as in struct kmsg_record) and
 * fills part of an event; none reads past text + len. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "sources/kmsg.h"

/* Bounded searches in [p, end): the first / the last occurrence of s. */
const char *kmsg_find(const char *p, const char *end, const char *s);
const char *kmsg_rfind(const char *p, const char *end, const char *s);
bool kmsg_starts(const char *p, const char *end, const char *s);

/* Copies src[0..n) into dst (NUL-terminated), turning the kernel's "\xNN"
 * escapes back into bytes (but "\x00", kept as written). false when it
 * did not fit (dst then holds what did). */
bool kmsg_unescape(char *dst, size_t size, const char *src, size_t n);

/* The oom-kill: line (its fragments joined). comm_hint: the comm of the
 * Killed line that follows, escaped (NULL if none), to split ",task=" where
 * a comm or a cgroup name holds that text itself. */
void kmsg_parse_summary(const char *text, size_t len, const char *comm_hint, size_t hint_len,
                        struct kmsg_oom_event *ev);
/* True when the oom-kill: text ends with its ",uid=N": nothing more is to come. */
bool kmsg_summary_complete(const char *text, size_t len);

/* The lines that name the victim: "[MESSAGE: ]Killed process N (COMM)
 * total-vm:..kB, ...", "MESSAGE: OOM victim N (COMM) is already exiting.
 * Skip killing the task", and before 5.1 "MESSAGE: Kill process N (COMM)
 * score S or sacrifice child". Fill pid, comm, message (the prefix) and,
 * for Killed, the sizes and the uid. *ret_comm, *ret_comm_len: the comm
 * as escaped in text. false when text is not such a line. */
bool kmsg_parse_killed(const char *text, size_t len, struct kmsg_oom_event *ev, const char **ret_comm,
                       size_t *ret_comm_len);
bool kmsg_parse_exiting(const char *text, size_t len, struct kmsg_oom_event *ev, const char **ret_comm,
                        size_t *ret_comm_len);
bool kmsg_parse_intent(const char *text, size_t len, struct kmsg_oom_event *ev);
/* Before 4.19: "Task in /a/b killed as a result of limit of /a" */
bool kmsg_parse_task_in(const char *text, size_t len, struct kmsg_oom_event *ev);
/* "Tasks in /a are going to be killed due to memory.oom.group set" */
bool kmsg_is_oom_group(const char *text, size_t len);
/* "COMM invoked oom-killer: gfp_mask=..." */
bool kmsg_is_invoked(const char *text, size_t len);
