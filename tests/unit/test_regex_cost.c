/* regex_cost(): the bound of what glibc's regcomp builds of an extended
 * regex, and the matcher refusing one above REGEX_COST_MAX before
 * regcomp sees it (the config fuzzer's 25-byte "a+++..." took 12 GB). */
#include "testing.h"

#include <errno.h>
#include <regex.h>
#include <string.h>

#include "policy/matcher.h"
#include "policy/policy_internal.h"

static void cost_is(const char *re, uint64_t want) {
        uint64_t got = regex_cost(re);
        if (got != want)
                fail_msg("regex_cost(\"%s\") = %llu, want %llu", re, (unsigned long long)got, (unsigned long long)want);
}

static void test_regex_cost_counts(void **state) {
        cost_is("", 0);
        cost_is("^postgres$", 10);
        cost_is("a*b?c", 3); /* '*' and '?' copy nothing */
        cost_is("a+", 2);    /* "aa*" */
        cost_is("a++", 4);
        cost_is("a{3}", 4);
        cost_is("a{2,5}", 6);
        cost_is("a{2,}", 3);
        cost_is("a{,5}", 5); /* not an interval: plain characters */
        cost_is("a{x}", 4);
        cost_is("\\+\\{2\\}", 4);
        cost_is("[0-9a-f]{64}", 65);
        cost_is("[]a+]+", 2); /* a leading ']' and a '+' are members */
        cost_is("[^]]x", 2);
        cost_is("[[:alpha:]_]{3}", 4);
        cost_is("[[.].]]", 1);
        cost_is("(ab|cd){2}", 12);
        cost_is("(ab|c)+|d", 7);
        cost_is("((a+)+)", 4);
        cost_is("(a+", 2);  /* unclosed: regcomp refuses it; still counted */
        cost_is("a)+b", 4); /* a stray ')' is a character */
        cost_is("(a{99}){99}", 10000);
}

static void test_regex_cost_caps(void **state) {
        char re[200];
        memset(re, '+', sizeof(re));
        re[0] = 'a';
        re[25] = '\0';
        assert_true(regex_cost(re) > REGEX_COST_MAX); /* 2^24 */
        re[sizeof(re) - 1] = '\0';
        assert_int_equal(regex_cost(re), REGEX_COST_MAX + 1); /* capped, no overflow */
        assert_true(regex_cost("(x{100}){100}") > REGEX_COST_MAX);
        assert_int_equal(regex_cost("(((a{32767}){32767}){32767}){32767}"), REGEX_COST_MAX + 1);
        assert_int_equal(regex_cost("a{99999999999999999999999}"), REGEX_COST_MAX + 1);
        memset(re, '(', 100);
        strcpy(re + 100, "a");
        assert_int_equal(regex_cost(re), REGEX_COST_MAX + 1); /* nested too deep */
}

/* Repetitions stacked on one item, directly or through groups: at most
 * two (the fuzzer's "^a+++++++++++b*++++++++++++$", 4,000 atoms, took
 * regcomp 18.5 s; "((((((((((((b*)+)+)+)+)+)+)+)+)+)+)+)+x" 11 s). */
static void test_regex_cost_stacked(void **state) {
        assert_true(regex_cost("^a+++++++++++b*++++++++++++$") > REGEX_COST_MAX);
        assert_true(regex_cost("((((((((((((b*)+)+)+)+)+)+)+)+)+)+)+)+x") > REGEX_COST_MAX);
        assert_true(regex_cost("((b*)+)+") > REGEX_COST_MAX);
        assert_true(regex_cost("b*+?") > REGEX_COST_MAX);
        assert_true(regex_cost("(b*)+") <= REGEX_COST_MAX); /* two: allowed */
        assert_true(regex_cost("(x+)*y+z?(a|b*)+") <= REGEX_COST_MAX);
        assert_true(regex_cost("((a+)(b+))+") <= REGEX_COST_MAX);
        assert_true(regex_cost("(a+)+(b)+") <= REGEX_COST_MAX); /* stacks of different items */
}

/* The matcher says why; a pattern at the limit still compiles, fast. */
static void test_matcher_refuses_too_complex(void **state) {
        struct matcher m;
        char msg[512];
        assert_int_equal(matcher_parse("comm:^a++++++++++++++++++++++++$", &m, msg, sizeof(msg)), -EINVAL);
        assert_non_null(strstr(msg, "too complex"));
        assert_int_equal(matcher_parse("cmdline:(a{99}){99}", &m, msg, sizeof(msg)), 0);
        matcher_free(&m);
        regex_t re;
        assert_int_equal(regcomp(&re, "(a{99}){99}", REG_EXTENDED | REG_NOSUB), 0);
        regfree(&re);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_regex_cost_counts),
                cmocka_unit_test(test_regex_cost_caps),
                cmocka_unit_test(test_regex_cost_stacked),
                cmocka_unit_test(test_matcher_refuses_too_complex),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
