/* "key value" kernel files and the scanning helpers every parser shares.
 * Nothing here assumes buf is NUL-terminated: all scans stop at end. */
#include <string.h>

#include "sources/kv.h"
#include "util.h"

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_space(char c) { return is_blank(c) || c == '\n'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool kv_next_line(const char **p, const char *end, const char **ret_line, size_t *ret_len) {
        if (*p >= end)
                return false;
        const char *nl = memchr(*p, '\n', (size_t)(end - *p));
        if (!nl)
                return false; /* cut short: never trust a partial line */
        *ret_line = *p;
        *ret_len = (size_t)(nl - *p);
        *p = nl + 1;
        return true;
}

const char *kv_skip_blanks(const char *p, const char *end) {
        while (p < end && is_blank(*p))
                p++;
        return p;
}

size_t kv_token(const char **p, const char *end, const char **ret_tok) {
        const char *s = kv_skip_blanks(*p, end), *e = s;
        while (e < end && !is_space(*e))
                e++;
        *ret_tok = s;
        *p = e;
        return (size_t)(e - s);
}

bool kv_token_eq(const char *tok, size_t n, const char *s) { return strlen(s) == n && memcmp(tok, s, n) == 0; }

int parse_u64_at(const char **p, const char *end, uint64_t *ret) {
        const char *s = *p;
        uint64_t v = 0;
        if (s >= end || !is_digit(*s))
                return -EINVAL;
        for (; s < end && is_digit(*s); s++) {
                unsigned d = (unsigned)(*s - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        *p = s;
        return 0;
}

int parse_u64_or_max(const char *buf, size_t len, uint64_t *ret) {
        const char *p = buf, *end = buf + len;
        uint64_t v;
        while (p < end && is_space(*p))
                p++;
        if (end - p >= 3 && memcmp(p, "max", 3) == 0) {
                v = BYTES_UNLIMITED;
                p += 3;
        } else {
                int r = parse_u64_at(&p, end, &v);
                if (r < 0)
                        return r;
        }
        while (p < end && is_space(*p))
                p++;
        if (p != end)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* The value part of a line: "<digits>[ kB]" and nothing else.
 * 0 ok, -EINVAL not a value (skip the line), -ERANGE overflow. */
static int kv_value(const char *p, const char *end, uint64_t *ret) {
        uint64_t v;
        int r = parse_u64_at(&p, end, &v);
        if (r < 0)
                return r;
        p = kv_skip_blanks(p, end);
        if (end - p >= 2 && memcmp(p, "kB", 2) == 0) {
                if (v > UINT64_MAX / 1024)
                        return -ERANGE;
                v *= 1024;
                p = kv_skip_blanks(p + 2, end);
        }
        if (p != end)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* The key of a line: up to ':' or a blank ("MemTotal:", "pgfault"). */
static const struct kv_field *kv_lookup(const char **p, const char *end, const struct kv_field *fields, size_t n,
                                        size_t *ret_i) {
        const char *k = kv_skip_blanks(*p, end), *e = k;
        while (e < end && *e != ':' && !is_blank(*e))
                e++;
        for (size_t i = 0; i < n; i++)
                if (kv_token_eq(k, (size_t)(e - k), fields[i].key)) {
                        *p = kv_skip_blanks(e < end && *e == ':' ? e + 1 : e, end);
                        *ret_i = i;
                        return &fields[i];
                }
        return NULL;
}

int parse_kv(const char *buf, size_t len, const struct kv_field *fields, size_t n_fields) {
        const char *p = buf, *end = buf + len, *line;
        size_t n;
        uint64_t found_mask = 0; /* counts each key once even if repeated */
        int found = 0;

        while (kv_next_line(&p, end, &line, &n)) {
                const char *q = line;
                size_t i;
                const struct kv_field *f = kv_lookup(&q, line + n, fields, n_fields, &i);
                uint64_t v;
                if (!f)
                        continue;
                int r = kv_value(q, line + n, &v);
                if (r == -ERANGE)
                        return r;
                if (r < 0)
                        continue;
                *f->dst = v;
                if (f->seen)
                        *f->seen = true;
                if (i >= 64 || !(found_mask & (UINT64_C(1) << i)))
                        found++;
                if (i < 64)
                        found_mask |= UINT64_C(1) << i;
        }
        return found;
}
