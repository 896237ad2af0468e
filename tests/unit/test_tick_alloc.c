/* The hot path does not allocate: after setup, ticks of a guard over a
 * fixture tree (3 watched cgroups, machine files) call malloc zero times.
 * malloc and friends are replaced in this binary (glibc lets a program
 * interpose them) and count calls; not under ASan, which owns malloc. */
#include "testing.h"

#include <stdlib.h>

#include "daemon/guard.h"
#include "daemon/tick.h"
#include "policy/config.h"

#if defined(__SANITIZE_ADDRESS__)
#define COUNTING 0
#else
#define COUNTING 1
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static unsigned long n_allocs;
void *malloc(size_t n) { n_allocs++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { n_allocs++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { n_allocs++; return __libc_realloc(p, n); }
#endif

#define SCEN "tests/scenarios/v2-pod-over-limit"

static void test_ticks_do_not_allocate(void **state) {
#if !COUNTING
        skip();
#else
        static char conf[] = "[cgroup:pods]\npath = /kubepods/*\nusage_above = 99%\n";
        FILE *f = fmemopen(conf, strlen(conf), "r");
        struct policy p;
        struct config_errors errors = {0};
        assert_non_null(f);
        int r = config_load_stream(f, "inline", &p, &errors);
        config_errors_print(&errors, stderr);
        config_errors_free(&errors);
        assert_int_equal(r, 0);
        fclose(f);
        struct guard g;
        assert_int_equal(guard_init(&g, SCEN "/root", &p, true, "/nonexistent/restore"), 0);
        assert_int_equal(g.cgroups.n, 3);
        tick_run(&g, true); /* first tick: allowed to set things up */
        unsigned long before = n_allocs;
        assert_true(before > 0); /* the counter sees setup allocations */
        for (int i = 0; i < 200; i++)
                assert_int_equal(tick_run(&g, true), 0);
        assert_int_equal(n_allocs - before, 0);
        assert_true(g.snap.machine.has_mem && g.snap.machine.has_zones);
        assert_true(g.cgroups.views[0].valid);
        guard_free(&g);
#endif
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ticks_do_not_allocate),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
