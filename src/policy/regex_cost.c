/* How big a POSIX extended regex grows when glibc compiles it. regcomp
 * copies the tree under a repetition once per repeat ("x+" is "xx*",
 * "x{3,5}" five copies), and a repetition of a repetition multiplies:
 * "a" and 24 '+' (25 bytes) took 42 s and 12 GB to compile (the config
 * fuzzer found it), in the root daemon's --check-config or a SIGHUP
 * reload. The count is an upper bound of the atoms regcomp makes; the
 * matcher refuses a pattern above REGEX_COST_MAX. Repetitions stacked on
 * one item ("b*++", "((b*)+)+") are counted apart: their epsilon
 * closures grow far faster than the atoms ("^a+++++++++++b*++++++++++++$",
 * 4,000 atoms, took 18.5 s in regcomp; the fuzzer found it); more than
 * REGEX_STACK_MAX is over the limit. Pure, no allocation. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "policy_internal.h"

#define DEPTH_MAX 64      /* deeper nesting counts as over the limit */
#define REGEX_STACK_MAX 2 /* repetitions of one item, directly or through groups ("(x+)*") */

static uint64_t capped(uint64_t v) { return v > REGEX_COST_MAX ? REGEX_COST_MAX + 1 : v; }

/* A bracket expression from its '[': returns what follows its ']'. */
static const char *skip_bracket(const char *p) {
        p++;
        if (*p == '^')
                p++;
        if (*p == ']')
                p++; /* a leading ']' is a member */
        while (*p && *p != ']') {
                if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
                        char close = p[1];
                        for (p += 2; *p && !(p[0] == close && p[1] == ']'); p++)
                                ;
                        if (*p)
                                p += 2;
                } else {
                        p++;
                }
        }
        return *p ? p + 1 : p;
}

/* "{n}", "{n,}", "{n,m}" at p: how many copies regcomp may make (0: not
 * an interval, then '{' is a plain character); *end past the '}'. */
static uint64_t interval(const char *p, const char **end) {
        uint64_t n = 0, m = 0;
        const char *q = p + 1;
        if (!isdigit((unsigned char)*q))
                return 0;
        while (isdigit((unsigned char)*q))
                n = capped(n * 10 + (uint64_t)(*q++ - '0'));
        if (*q == ',')
                for (q++; isdigit((unsigned char)*q);)
                        m = capped(m * 10 + (uint64_t)(*q++ - '0'));
        if (*q != '}')
                return 0;
        *end = q + 1;
        return (n > m ? n : m) + 1;
}

uint64_t regex_cost(const char *re) {
        /* Per open group: the atoms so far and the size of the last item
         * (which a repetition that follows multiplies). */
        uint64_t sum[DEPTH_MAX + 1] = { 0 }, last[DEPTH_MAX + 1] = { 0 };
        /* Per open group: repetitions on its last item, and the most on
         * any item of it so far (a group inherits them). */
        unsigned stacked[DEPTH_MAX + 1] = { 0 }, stacked_max[DEPTH_MAX + 1] = { 0 };
        int d = 0;
        for (const char *p = re; *p;) {
                uint64_t times = 0, item = 1;
                const char *next = p + 1;
                if (*p == '+')
                        times = 2;
                else if (*p == '*' || *p == '?')
                        times = 1;
                else if (*p == '{')
                        times = interval(p, &next);
                if (times) {
                        if (++stacked[d] > REGEX_STACK_MAX)
                                return REGEX_COST_MAX + 1;
                        last[d] = capped(last[d] * times);
                        p = next;
                        continue;
                }
                if (stacked[d] > stacked_max[d])
                        stacked_max[d] = stacked[d];
                if (*p == '(') {
                        if (++d > DEPTH_MAX)
                                return REGEX_COST_MAX + 1;
                        sum[d] = last[d] = 0;
                        stacked[d] = stacked_max[d] = 0;
                        p++;
                        continue;
                }
                unsigned inherited = 0;
                if (*p == ')' && d > 0) {
                        item = capped(sum[d] + last[d]);
                        inherited = stacked_max[d];
                        d--;
                } else if (*p == '|') {
                        sum[d] = capped(sum[d] + last[d]);
                        last[d] = 0;
                        stacked[d] = 0;
                        p++;
                        continue;
                } else if (*p == '[') {
                        next = skip_bracket(p);
                } else if (*p == '\\' && p[1]) {
                        next = p + 2;
                }
                sum[d] = capped(sum[d] + last[d]);
                last[d] = item;
                stacked[d] = inherited;
                p = next;
        }
        for (; d > 0; d--) /* unclosed: regcomp refuses it anyway */
                last[d - 1] = capped(last[d - 1] + sum[d] + last[d]);
        return capped(sum[0] + last[0]);
}
