/* JSON string literals (see outputs/json.h), to a FILE or into a buffer:
 * one escaper for both. */
#include <stdarg.h>
#include <string.h>

#include "json.h"

static bool utf8_cont(unsigned char c) { return (c & 0xc0) == 0x80; }

/* Length of the valid UTF-8 sequence s starts (2..4), 0 when it starts
 * none: a stray continuation byte, an overlong form, a surrogate, a code
 * point above U+10FFFF, a cut sequence. s is NUL-terminated and read no
 * further than the first byte that fails. */
static size_t utf8_len(const unsigned char *s) {
        unsigned char c = s[0];
        if (c < 0xc2 || c > 0xf4)
                return 0;
        if (c < 0xe0)
                return utf8_cont(s[1]) ? 2 : 0;
        if (!utf8_cont(s[1]) || (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
                return 0;
        if (c < 0xf0)
                return utf8_cont(s[2]) ? 3 : 0;
        if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
                return 0;
        return utf8_cont(s[2]) && utf8_cont(s[3]) ? 4 : 0;
}

/* The JSON text of the character at s (NUL-terminated, s[0] != 0) into
 * out; returns its length and sets *used to the bytes of s it stands for. */
static size_t escape_one(const unsigned char *s, char out[8], size_t *used) {
        unsigned char c = s[0];
        size_t n = c < 0x80 ? 1 : utf8_len(s);
        *used = n ? n : 1;
        if (c == '"' || c == '\\') {
                out[0] = '\\';
                out[1] = (char)c;
                return 2;
        }
        if (c < 0x20 || c == 0x7f || n == 0)
                return (size_t)snprintf(out, 8, "\\u%04x", c);
        memcpy(out, s, n);
        return n;
}

void json_print_string(FILE *out, const char *s) {
        char e[8];
        size_t used;
        fputc('"', out);
        for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p += used)
                fwrite(e, 1, escape_one(p, e, &used), out);
        fputc('"', out);
}

void json_buf_init(struct json_buf *b, char *buf, size_t size) {
        *b = (struct json_buf){ .buf = buf, .size = size, .overflow = size == 0 };
        if (size)
                buf[0] = '\0';
}

static void put(struct json_buf *b, const char *s, size_t n) {
        if (b->overflow || n >= b->size - b->len) {
                b->overflow = true;
                return;
        }
        memcpy(b->buf + b->len, s, n);
        b->len += n;
        b->buf[b->len] = '\0';
}

void json_buf_raw(struct json_buf *b, const char *s) { put(b, s, strlen(s)); }

void json_buf_printf(struct json_buf *b, const char *fmt, ...) {
        if (b->overflow)
                return;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->buf + b->len, b->size - b->len, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= b->size - b->len) {
                b->buf[b->len] = '\0';
                b->overflow = true;
                return;
        }
        b->len += (size_t)n;
}

void json_buf_string(struct json_buf *b, const char *s) {
        char e[8];
        size_t used;
        put(b, "\"", 1);
        for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && !b->overflow; p += used)
                put(b, e, escape_one(p, e, &used));
        put(b, "\"", 1);
}
