/* Pressure stall information ("some"/"full" lines). strtod() needs a
 * NUL-terminated string, so the fixed "%lu.%02lu" averages are parsed by
 * hand within len. */
#include "sources/kv.h"
#include "sources/psi.h"
#include "util.h"

/* "12.34" -> 12.34. At most 18 fraction digits (the kernel prints 2). */
static int parse_decimal(const char *p, const char *end, double *ret) {
        uint64_t whole, frac = 0, scale = 1;
        int r = parse_u64_at(&p, end, &whole);
        if (r < 0)
                return r;
        if (p < end && *p == '.') {
                const char *f = ++p;
                r = parse_u64_at(&p, end, &frac);
                if (r < 0 || p - f > 18)
                        return r < 0 ? r : -ERANGE;
                for (; f < p; f++)
                        scale *= 10;
        }
        if (p != end)
                return -EINVAL;
        *ret = (double)whole + (double)frac / (double)scale;
        return 0;
}

/* "avg10=0.00 avg60=0.00 avg300=0.00 total=0": all four required. */
static int parse_psi_fields(const char *p, const char *end, struct psi_line *ret) {
        struct psi_line l = { 0 };
        unsigned seen = 0;
        const char *tok;
        size_t n;
        while ((n = kv_token(&p, end, &tok)) > 0) {
                const char *eq = tok, *te = tok + n;
                while (eq < te && *eq != '=')
                        eq++;
                if (eq == te)
                        return -EBADMSG;
                size_t kn = (size_t)(eq - tok);
                int r = 0;
                if (kv_token_eq(tok, kn, "avg10"))
                        r = parse_decimal(eq + 1, te, &l.avg10), seen |= 1;
                else if (kv_token_eq(tok, kn, "avg60"))
                        r = parse_decimal(eq + 1, te, &l.avg60), seen |= 2;
                else if (kv_token_eq(tok, kn, "avg300"))
                        r = parse_decimal(eq + 1, te, &l.avg300), seen |= 4;
                else if (kv_token_eq(tok, kn, "total")) {
                        const char *q = eq + 1;
                        r = parse_u64_at(&q, te, &l.total);
                        if (r == 0 && q != te)
                                r = -EINVAL;
                        seen |= 8;
                }
                if (r < 0)
                        return r == -ERANGE ? r : -EBADMSG;
        }
        if (seen != 15)
                return -EBADMSG;
        *ret = l;
        return 0;
}

int parse_psi(const char *buf, size_t len, struct psi *ret) {
        struct psi psi = { 0 };
        bool has_some = false;
        const char *p = buf, *end = buf + len, *line;
        size_t n;
        while (kv_next_line(&p, end, &line, &n)) {
                const char *q = line, *tok;
                size_t tn = kv_token(&q, line + n, &tok);
                struct psi_line *dst = NULL;
                bool *flag = NULL;
                if (kv_token_eq(tok, tn, "some"))
                        dst = &psi.some, flag = &has_some;
                else if (kv_token_eq(tok, tn, "full"))
                        dst = &psi.full, flag = &psi.has_full;
                else
                        continue;
                int r = parse_psi_fields(q, line + n, dst);
                if (r == -ERANGE)
                        return r;
                if (r < 0)
                        return -EBADMSG;
                *flag = true;
        }
        if (!has_some)
                return -EBADMSG;
        *ret = psi;
        return 0;
}

int read_psi(const char *root, const char *path, struct psi *ret) {
        char buf[512];
        ssize_t n = read_file_at(root, path, buf, sizeof(buf));
        if (n < 0)
                return (int)n;
        return parse_psi(buf, (size_t)n, ret);
}
