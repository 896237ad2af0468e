/* Reading JSON (RFC 8259) without allocating: a text becomes an array of
 * tokens in document order, over the caller's memory, which the lookups
 * walk. For oomguard's own files (the reports), read back by --report. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH_MAX 32

enum json_type { JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_NUMBER, JSON_TRUE, JSON_FALSE, JSON_NULL };

struct json_token {
        enum json_type type;
        size_t start, end; /* its text; a string's without the quotes */
        size_t size;       /* an object's members, an array's elements */
        size_t next;       /* the token after it and everything inside it */
};

/* Tokens of the one value text holds (blanks around it allowed): an
 * object's members as key, value, key, value... Pure. Returns the number
 * of tokens, -ENOBUFS when more than max are needed, or -EBADMSG (not
 * JSON, nested deeper than JSON_DEPTH_MAX, or something after the value). */
int json_parse(const char *text, size_t len, struct json_token *t, size_t max);

/* Lookups on the tokens of json_parse(); an index < 0 is "absent" and
 * gives absent. */
struct json_doc {
        const char *text;
        const struct json_token *t;
        size_t n;
};
/* The value of member key of object obj, or -1. */
int json_member(const struct json_doc *d, int obj, const char *key);
/* Element i of array arr, or -1. */
int json_element(const struct json_doc *d, int arr, size_t i);
/* The number of elements of array arr (0 when it is not one). */
size_t json_length(const struct json_doc *d, int arr);
bool json_is(const struct json_doc *d, int i, enum json_type type);
/* Numbers: false (ret untouched) when i is absent, not a number, or not
 * one of the type (a fraction for an integer, out of range). */
bool json_u64(const struct json_doc *d, int i, uint64_t *ret);
bool json_i64(const struct json_doc *d, int i, int64_t *ret);
bool json_double(const struct json_doc *d, int i, double *ret);
/* A string, unescaped as UTF-8 into buf (cut at a whole character,
 * always NUL-terminated); false ("" in buf) when i is not a string. A
 * \u0000 becomes '?'. */
bool json_string(const struct json_doc *d, int i, char *buf, size_t size);
