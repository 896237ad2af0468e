/* Value syntaxes of the config file: sizes, percentages, durations,
 * booleans, plain numbers. Pure: no I/O, no allocation, no locale. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"
#include "util.h"

/* Parse "digits[.digits]" at *p and return round(value * mult) exactly.
 * Integer arithmetic (not strtod) so "0.1s" is exactly 100ms and sizes
 * never lose bytes to binary floating point. *frac tells whether a
 * fractional part was written. */
static int parse_scaled(const char **p, uint64_t mult, uint64_t *ret, bool *frac) {
        const char *s = *p;
        unsigned __int128 ip = 0, fp = 0, scale = 1;

        if (!isdigit((unsigned char)*s))
                return -EINVAL;
        for (; isdigit((unsigned char)*s); s++) {
                ip = ip * 10 + (unsigned)(*s - '0');
                if (ip > UINT64_MAX)
                        return -ERANGE;
        }
        *frac = *s == '.';
        if (*frac) {
                s++;
                if (!isdigit((unsigned char)*s))
                        return -EINVAL;
                /* Digits beyond 10^-19 cannot change a 64-bit result. */
                for (; isdigit((unsigned char)*s); s++)
                        if (scale < UINT64_C(10000000000000000000)) {
                                fp = fp * 10 + (unsigned)(*s - '0');
                                scale *= 10;
                        }
        }
        unsigned __int128 v = ip * mult + (fp * mult + scale / 2) / scale;
        if (v > UINT64_MAX)
                return -ERANGE;
        *ret = (uint64_t)v;
        *p = s;
        return 0;
}

static const char *skip_blanks(const char *s) {
        while (*s == ' ' || *s == '\t')
                s++;
        return s;
}

/* Size suffix → multiplier; 0 when unknown. "" and "B" are bytes. */
static uint64_t size_multiplier(const char *u) {
        static const char units[] = "KMGT";
        if (*u == '\0' || strcasecmp(u, "b") == 0)
                return 1;
        const char *pos = strchr(units, toupper((unsigned char)*u));
        if (!pos)
                return 0;
        const char *rest = u + 1;
        if (*rest && strcasecmp(rest, "b") != 0 && strcasecmp(rest, "ib") != 0)
                return 0;
        return UINT64_C(1) << (10 * (pos - units + 1));
}

/* "<digits>[.<digits>] [unit]": the unit's multiplier (from mult_of)
 * scales the digits exactly. ret_frac says whether there was a fraction. */
static int parse_with_unit(const char *s, uint64_t (*mult_of)(const char *), uint64_t *ret, uint64_t *ret_mult,
                           bool *ret_frac) {
        if (!s)
                return -EINVAL;
        const char *u = s;
        while (isdigit((unsigned char)*u) || *u == '.')
                u++;
        uint64_t mult = mult_of(skip_blanks(u));
        if (mult == 0)
                return -EINVAL;
        const char *p = s;
        int r = parse_scaled(&p, mult, ret, ret_frac);
        if (r < 0)
                return r;
        if (p != u)
                return -EINVAL;
        *ret_mult = mult;
        return 0;
}

int parse_size(const char *s, uint64_t *ret) {
        uint64_t v, mult;
        bool frac;
        int r = parse_with_unit(s, size_multiplier, &v, &mult, &frac);
        if (r < 0)
                return r;
        if (frac && mult == 1) /* a fraction of a byte means a typo */
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_size_or_pct(const char *s, struct size_or_pct *ret) {
        if (!s)
                return -EINVAL;
        size_t n = strlen(s);
        if (n > 0 && s[n - 1] == '%') {
                char num[64];
                if (n > sizeof(num))
                        return -EINVAL;
                memcpy(num, s, n - 1);
                num[n - 1] = '\0';
                /* Allow "90 %" like "512 M". */
                for (size_t i = n - 1; i > 0 && (num[i - 1] == ' ' || num[i - 1] == '\t'); i--)
                        num[i - 1] = '\0';
                double pct;
                int r = parse_double(num, &pct);
                if (r < 0)
                        return r;
                if (pct > 100)
                        return -ERANGE;
                *ret = (struct size_or_pct){ .kind = SIZE_PERCENT, .percent = pct };
                return 0;
        }
        uint64_t bytes;
        int r = parse_size(s, &bytes);
        if (r < 0)
                return r;
        *ret = (struct size_or_pct){ .kind = SIZE_BYTES, .bytes = bytes };
        return 0;
}

static uint64_t duration_multiplier(const char *u) {
        static const struct {
                const char *suffix;
                uint64_t ns;
        } table[] = {
                { "", NSEC_PER_SEC }, /* bare numbers are seconds */
                { "ns", 1 },
                { "us", 1000 },
                { "ms", NSEC_PER_MSEC },
                { "s", NSEC_PER_SEC },
                { "m", 60 * NSEC_PER_SEC },
                { "min", 60 * NSEC_PER_SEC },
                { "h", 3600 * NSEC_PER_SEC },
                { "d", 86400 * NSEC_PER_SEC },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (strcmp(u, table[i].suffix) == 0)
                        return table[i].ns;
        return 0;
}

int parse_duration(const char *s, uint64_t *ret_ns) {
        uint64_t v, mult;
        bool frac;
        int r = parse_with_unit(s, duration_multiplier, &v, &mult, &frac);
        if (r < 0)
                return r;
        *ret_ns = v;
        return 0;
}

int parse_bool(const char *s, bool *ret) {
        static const char *const yes[] = { "yes", "true", "on", "1", "y" };
        static const char *const no[] = { "no", "false", "off", "0", "n" };
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(s, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(s, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return -EINVAL;
}

int parse_double(const char *s, double *ret) {
        if (!s)
                return -EINVAL;
        /* Check the grammar ourselves: strtod would also take "inf", "nan",
         * hex, exponents, signs and leading blanks. */
        const char *p = s;
        if (!isdigit((unsigned char)*p))
                return -EINVAL;
        while (isdigit((unsigned char)*p))
                p++;
        if (*p == '.') {
                p++;
                if (!isdigit((unsigned char)*p))
                        return -EINVAL;
                while (isdigit((unsigned char)*p))
                        p++;
        }
        if (*p != '\0')
                return -EINVAL;
        errno = 0;
        double v = strtod(s, NULL);
        if (errno == ERANGE || !isfinite(v))
                return -ERANGE;
        *ret = v;
        return 0;
}

uint64_t size_or_pct_resolve(const struct size_or_pct *t, uint64_t base) {
        switch (t->kind) {
        case SIZE_BYTES:
                return t->bytes;
        case SIZE_PERCENT:
                if (base == BYTES_UNLIMITED)
                        return BYTES_UNLIMITED;
                /* long double has a 64-bit mantissa: byte precision, and
                 * 100% is exactly the base. */
                return (uint64_t)((long double)base * ((long double)t->percent / 100.0L));
        case SIZE_UNSET:
        default:
                return BYTES_UNLIMITED;
        }
}
