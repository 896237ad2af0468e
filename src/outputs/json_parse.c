/* A strict JSON tokenizer (RFC 8259) and lookups over its tokens, in the
 * manner of jsmn: recursive descent bounded by JSON_DEPTH_MAX, each token
 * the span of its text, nothing allocated. Unescaping happens on lookup. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_parse.h"

struct parser {
        const char *s;
        size_t len, pos;
        struct json_token *t;
        size_t n, max;
        int depth;
};

static int value(struct parser *p);

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void blanks(struct parser *p) {
        while (p->pos < p->len && is_blank(p->s[p->pos]))
                p->pos++;
}

static int token(struct parser *p, enum json_type type, size_t start) {
        if (p->n >= p->max)
                return -ENOBUFS;
        p->t[p->n] = (struct json_token){ .type = type, .start = start, .end = start };
        return (int)p->n++;
}

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

static int string(struct parser *p) {
        int i = token(p, JSON_STRING, ++p->pos);
        if (i < 0)
                return i;
        while (p->pos < p->len) {
                unsigned char c = (unsigned char)p->s[p->pos];
                if (c == '"') {
                        p->t[i].end = p->pos++;
                        return i;
                }
                if (c < 0x20)
                        return -EBADMSG;
                if (c == '\\') {
                        if (++p->pos >= p->len)
                                return -EBADMSG;
                        c = (unsigned char)p->s[p->pos];
                        if (c == 'u') {
                                for (int k = 1; k <= 4; k++)
                                        if (p->pos + (size_t)k >= p->len || !is_hex(p->s[p->pos + (size_t)k]))
                                                return -EBADMSG;
                                p->pos += 4;
                        } else if (!strchr("\"\\/bfnrt", c) || !c) {
                                return -EBADMSG;
                        }
                }
                p->pos++;
        }
        return -EBADMSG;
}

static size_t digits(struct parser *p) {
        size_t n = 0;
        for (; p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9'; p->pos++)
                n++;
        return n;
}

static int number(struct parser *p) {
        int i = token(p, JSON_NUMBER, p->pos);
        if (i < 0)
                return i;
        if (p->s[p->pos] == '-')
                p->pos++;
        size_t first = p->pos, n = digits(p);
        if (n == 0 || (n > 1 && p->s[first] == '0'))
                return -EBADMSG;
        if (p->pos < p->len && p->s[p->pos] == '.') {
                p->pos++;
                if (digits(p) == 0)
                        return -EBADMSG;
        }
        if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
                p->pos++;
                if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
                        p->pos++;
                if (digits(p) == 0)
                        return -EBADMSG;
        }
        p->t[i].end = p->pos;
        return i;
}

static int literal(struct parser *p, const char *word, enum json_type type) {
        size_t n = strlen(word);
        if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
                return -EBADMSG;
        int i = token(p, type, p->pos);
        if (i >= 0)
                p->t[i].end = p->pos += n;
        return i;
}

/* An object or an array: members "key": value, or values, ','-separated. */
static int container(struct parser *p, bool object) {
        char close = object ? '}' : ']';
        int i = token(p, object ? JSON_OBJECT : JSON_ARRAY, p->pos++);
        if (i < 0)
                return i;
        if (++p->depth > JSON_DEPTH_MAX)
                return -EBADMSG;
        blanks(p);
        if (p->pos < p->len && p->s[p->pos] == close) {
                p->pos++;
        } else {
                for (;;) {
                        blanks(p);
                        if (object) {
                                if (p->pos >= p->len || p->s[p->pos] != '"')
                                        return -EBADMSG;
                                int k = string(p);
                                if (k < 0)
                                        return k;
                                p->t[k].next = p->n;
                                blanks(p);
                                if (p->pos >= p->len || p->s[p->pos++] != ':')
                                        return -EBADMSG;
                        }
                        int r = value(p);
                        if (r < 0)
                                return r;
                        p->t[i].size++;
                        blanks(p);
                        if (p->pos < p->len && p->s[p->pos] == ',') {
                                p->pos++;
                                continue;
                        }
                        if (p->pos >= p->len || p->s[p->pos++] != close)
                                return -EBADMSG;
                        break;
                }
        }
        p->depth--;
        p->t[i].end = p->pos;
        return i;
}

static int value(struct parser *p) {
        blanks(p);
        if (p->pos >= p->len)
                return -EBADMSG;
        int i;
        switch (p->s[p->pos]) {
        case '{':
                i = container(p, true);
                break;
        case '[':
                i = container(p, false);
                break;
        case '"':
                i = string(p);
                break;
        case 't':
                i = literal(p, "true", JSON_TRUE);
                break;
        case 'f':
                i = literal(p, "false", JSON_FALSE);
                break;
        case 'n':
                i = literal(p, "null", JSON_NULL);
                break;
        default:
                i = number(p);
        }
        if (i >= 0)
                p->t[i].next = p->n;
        return i;
}

int json_parse(const char *text, size_t len, struct json_token *t, size_t max) {
        struct parser p = { .s = text, .len = len, .t = t, .max = max };
        int r = value(&p);
        if (r < 0)
                return r;
        blanks(&p);
        return p.pos == len ? (int)p.n : -EBADMSG;
}

/* ---- lookups ---- */

bool json_is(const struct json_doc *d, int i, enum json_type type) {
        return i >= 0 && (size_t)i < d->n && d->t[i].type == type;
}

static bool text_eq(const struct json_doc *d, const struct json_token *k, const char *s) {
        size_t n = strlen(s);
        /* keys with escapes never match: ours have none */
        return k->end - k->start == n && memcmp(d->text + k->start, s, n) == 0;
}

int json_member(const struct json_doc *d, int obj, const char *key) {
        if (!json_is(d, obj, JSON_OBJECT))
                return -1;
        size_t i = (size_t)obj + 1;
        for (size_t m = 0; m < d->t[obj].size && i + 1 < d->n; m++) {
                const struct json_token *k = &d->t[i];
                if (text_eq(d, k, key))
                        return (int)i + 1;
                i = d->t[i + 1].next;
        }
        return -1;
}

int json_element(const struct json_doc *d, int arr, size_t n) {
        if (!json_is(d, arr, JSON_ARRAY) || n >= d->t[arr].size)
                return -1;
        size_t i = (size_t)arr + 1;
        for (size_t e = 0; e < n; e++)
                i = d->t[i].next;
        return i < d->n ? (int)i : -1;
}

size_t json_length(const struct json_doc *d, int arr) { return json_is(d, arr, JSON_ARRAY) ? d->t[arr].size : 0; }

/* A number token's text, NUL-terminated, into buf (numbers are short). */
static bool number_text(const struct json_doc *d, int i, char *buf, size_t size) {
        if (!json_is(d, i, JSON_NUMBER) || d->t[i].end - d->t[i].start >= size)
                return false;
        size_t n = d->t[i].end - d->t[i].start;
        memcpy(buf, d->text + d->t[i].start, n);
        buf[n] = '\0';
        return true;
}

bool json_u64(const struct json_doc *d, int i, uint64_t *ret) {
        char buf[32], *end;
        if (!number_text(d, i, buf, sizeof(buf)) || buf[0] == '-')
                return false;
        errno = 0;
        unsigned long long v = strtoull(buf, &end, 10);
        if (*end || errno)
                return false;
        *ret = v;
        return true;
}

bool json_i64(const struct json_doc *d, int i, int64_t *ret) {
        char buf[32], *end;
        if (!number_text(d, i, buf, sizeof(buf)))
                return false;
        errno = 0;
        long long v = strtoll(buf, &end, 10);
        if (*end || errno)
                return false;
        *ret = v;
        return true;
}

bool json_double(const struct json_doc *d, int i, double *ret) {
        char buf[400], *end; /* "%.2f" of DBL_MAX has 312 characters */
        if (!number_text(d, i, buf, sizeof(buf)))
                return false;
        double v = strtod(buf, &end);
        if (*end)
                return false;
        *ret = v;
        return true;
}

static unsigned hex4(const char *s) { return (unsigned)strtoul((char[5]){ s[0], s[1], s[2], s[3], 0 }, NULL, 16); }

/* The code point of the escape at s[0] == '\\' (s[1] == 'u'), a
 * surrogate pair joined; *used: how many bytes it took. */
static unsigned unicode_escape(const char *s, const char *end, size_t *used) {
        unsigned c = hex4(s + 2);
        *used = 6;
        if (c >= 0xd800 && c < 0xdc00 && end - s >= 12 && s[6] == '\\' && s[7] == 'u') {
                unsigned lo = hex4(s + 8);
                if (lo >= 0xdc00 && lo < 0xe000) {
                        *used = 12;
                        return 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                }
        }
        if (c >= 0xd800 && c < 0xe000)
                return 0xfffd; /* a lone surrogate */
        return c ? c : '?';
}

static size_t utf8_encode(unsigned c, char out[4]) {
        if (c < 0x80) {
                out[0] = (char)c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char)(0xc0 | c >> 6);
                out[1] = (char)(0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char)(0xe0 | c >> 12);
                out[1] = (char)(0x80 | (c >> 6 & 0x3f));
                out[2] = (char)(0x80 | (c & 0x3f));
                return 3;
        }
        out[0] = (char)(0xf0 | c >> 18);
        out[1] = (char)(0x80 | (c >> 12 & 0x3f));
        out[2] = (char)(0x80 | (c >> 6 & 0x3f));
        out[3] = (char)(0x80 | (c & 0x3f));
        return 4;
}

/* The bytes the character at s stands for into out; how many of s it took
 * in *used. The tokenizer checked every escape. */
static size_t unescape_one(const char *s, const char *end, char out[4], size_t *used) {
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        if (s[0] != '\\') { /* a character as is: its whole UTF-8 sequence */
                unsigned char c0 = (unsigned char)s[0];
                size_t k = c0 >= 0xf0 ? 4 : c0 >= 0xe0 ? 3 : c0 >= 0xc0 ? 2 : 1;
                k = k < (size_t)(end - s) ? k : (size_t)(end - s);
                memcpy(out, s, k);
                *used = k;
                return k;
        }
        if (s[1] == 'u')
                return utf8_encode(unicode_escape(s, end, used), out);
        *used = 2;
        out[0] = to[strchr(from, s[1]) - from];
        return 1;
}

bool json_string(const struct json_doc *d, int i, char *buf, size_t size) {
        if (size == 0)
                return false;
        buf[0] = '\0';
        if (!json_is(d, i, JSON_STRING))
                return false;
        const char *s = d->text + d->t[i].start, *end = d->text + d->t[i].end;
        size_t n = 0, used;
        char c[4];
        for (; s < end; s += used) {
                size_t k = unescape_one(s, end, c, &used);
                if (n + k >= size)
                        break;
                memcpy(buf + n, c, k);
                n += k;
        }
        buf[n] = '\0';
        return true;
}
