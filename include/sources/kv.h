/* Generic parser for the kernel's "key value" files: /proc/meminfo
 * ("MemTotal:  123 kB"), /proc/vmstat, memory.stat, memory.events,
 * memory.oom_control. Pure; unknown keys are ignored, so new kernels with
 * new fields keep working. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kv_field {
        const char *key; /* exact key, without the trailing ':' */
        uint64_t *dst;   /* where the value goes */
        bool *seen;      /* optional: set true when the key was found */
};

/* Parses every line of buf[0..len). A value followed by " kB" is scaled to
 * bytes. Lines that do not parse are skipped. Returns the number of
 * fields found (>= 0). Fields not found are left untouched.
 * Only complete lines count: the kernel ends every line with '\n', so a
 * last line without one was cut short and is ignored (a cut "12345" must
 * not read as "12"). -ERANGE when a wanted field's value overflows (other
 * fields may then already be written: parse into a local). */
int parse_kv(const char *buf, size_t len, const struct kv_field *fields, size_t n_fields);

/* One unsigned decimal, or "max" -> BYTES_UNLIMITED. Surrounding whitespace
 * allowed. -EINVAL on garbage, -ERANGE on overflow. */
int parse_u64_or_max(const char *buf, size_t len, uint64_t *ret);

/* Reads "<digits>" at *p, advances *p. -EINVAL if no digit, -ERANGE. */
int parse_u64_at(const char **p, const char *end, uint64_t *ret);

/* Line and token helpers shared by the kernel-file parsers (additions). */

/* Next complete ('\n'-terminated) line of [*p, end), without the '\n'.
 * Advances *p. false when no complete line is left. */
bool kv_next_line(const char **p, const char *end, const char **ret_line, size_t *ret_len);
/* Skips spaces and tabs. */
const char *kv_skip_blanks(const char *p, const char *end);
/* Next run of non-blank characters after blanks; advances *p past it.
 * Returns its length (0 at the end). */
size_t kv_token(const char **p, const char *end, const char **ret_tok);
/* tok[0..n) equals the C string s. */
bool kv_token_eq(const char *tok, size_t n, const char *s);
