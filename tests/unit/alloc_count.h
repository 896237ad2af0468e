/* Counting the allocations of a test (n_allocs), by wrapping glibc's
 * allocator; include once, in the test's .c. Under ASan the sanitizer owns
 * malloc: COUNTING is 0 and the test skips its allocation checks. */
#pragma once

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define COUNTING 0
#else
#define COUNTING 1
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static unsigned long n_allocs;
void *malloc(size_t n) {
        n_allocs++;
        return __libc_malloc(n);
}
void *calloc(size_t a, size_t b) {
        n_allocs++;
        return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n) {
        n_allocs++;
        return __libc_realloc(p, n);
}
#endif
