/* Writing JSON by hand (no allocation): strings with every escape, so
 * that hostile names stay valid JSON; to a FILE (--status --json) or into
 * a caller's buffer (the report files). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

/* s as a JSON string literal: '"' and '\' escaped, control bytes as
 * \u00XX, valid UTF-8 as is, and every byte that is not part of a valid
 * UTF-8 sequence (a process may name itself anything) as \u00XX, its
 * value read as a code point, so the output is always valid JSON. NULL
 * prints "". */
void json_print_string(FILE *out, const char *s);

/* A JSON text in a caller's buffer, always NUL-terminated. Once a piece
 * does not fit, overflow stays set and nothing more is added: the text
 * is then incomplete, to be thrown away. */
struct json_buf {
        char *buf;
        size_t size, len;
        bool overflow;
};

void json_buf_init(struct json_buf *b, char *buf, size_t size);
void json_buf_raw(struct json_buf *b, const char *s); /* s as is */
void json_buf_printf(struct json_buf *b, const char *fmt, ...) _printf_(2, 3);
void json_buf_string(struct json_buf *b, const char *s); /* as json_print_string */
