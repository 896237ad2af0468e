/* The effective policy as text (-n / --check-config), printed through the
 * key table: every key of every section, unset ones as comments, each
 * value spelled so that the output reads back as the same policy. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "config_keys.h"
#include "policy/policy.h"
#include "util.h"

/* The fewest fixed decimals that read back as the same double (%g could
 * print an exponent, which parse_double rejects). A tiny value needs its
 * zeros: 1e-24 within 20 decimals printed 0.000...0, which read back as
 * 0 (the config fuzzer's print -> load -> print). DBL_TRUE_MIN is 4.9e-324:
 * 330 decimals spell every double. */
static void print_double(FILE *out, double v) {
        char buf[700]; /* DBL_MAX has 309 integer digits, and the decimals */
        for (int dec = 0; dec <= 330; dec++) {
                snprintf(buf, sizeof(buf), "%.*f", dec, v);
                if (strtod(buf, NULL) == v)
                        break;
        }
        fputs(buf, out);
}

/* Bytes with the largest binary suffix that keeps them exact. */
static void print_size(FILE *out, uint64_t bytes) {
        static const char units[] = "KMGT";
        int u = -1;
        while (u + 1 < 4 && bytes != 0 && bytes % (UINT64_C(1) << (10 * (u + 2))) == 0)
                u++;
        if (u < 0)
                fprintf(out, "%" PRIu64, bytes);
        else
                fprintf(out, "%" PRIu64 "%c", bytes >> (10 * (u + 1)), units[u]);
}

/* Nanoseconds with the largest unit that keeps them exact. */
static void print_duration(FILE *out, uint64_t ns) {
        static const struct {
                const char *suffix;
                uint64_t ns;
        } units[] = {
                { "h", 3600 * NSEC_PER_SEC },
                { "m", 60 * NSEC_PER_SEC },
                { "s", NSEC_PER_SEC },
                { "ms", NSEC_PER_MSEC },
                { "us", 1000 },
        };
        if (ns == 0) {
                fputs("0", out);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (ns % units[i].ns == 0) {
                        fprintf(out, "%" PRIu64 "%s", ns / units[i].ns, units[i].suffix);
                        return;
                }
        fprintf(out, "%" PRIu64 "ns", ns);
}

static void print_size_or_pct(FILE *out, const struct size_or_pct *v) {
        if (v->kind == SIZE_PERCENT) {
                print_double(out, v->percent);
                fputc('%', out);
        } else {
                print_size(out, v->bytes);
        }
}

static void print_value(const struct config_key *k, const void *base, FILE *out) {
        switch (k->type) {
        case CONFIG_DURATION:
                print_duration(out, *CONFIG_AT(uint64_t, base, k));
                break;
        case CONFIG_BOOL:
                fputs(*CONFIG_AT(bool, base, k) ? "yes" : "no", out);
                break;
        case CONFIG_UINT:
                fprintf(out, "%u", *CONFIG_AT(unsigned, base, k));
                break;
        case CONFIG_MATCHERS: /* one line each: print_key */
        case CONFIG_OLD_TERM: /* never printed: print_section */
                break;
        case CONFIG_SIZE_PCT:
                print_size_or_pct(out, CONFIG_AT(struct size_or_pct, base, k));
                break;
        case CONFIG_RATE:
                if ((k->flags & CONFIG_F_ANY_IS_ZERO) && *CONFIG_AT(double, base, k) == 0) {
                        fputs("any", out);
                        break;
                }
                /* fall through */
        case CONFIG_PERCENT:
                print_double(out, *CONFIG_AT(double, base, k));
                break;
        case CONFIG_WATERMARK:
                fputs(watermark_level_to_string(*CONFIG_AT(enum watermark_level, base, k)), out);
                break;
        case CONFIG_ACTION:
                fputs(action_kind_to_string(*CONFIG_AT(enum action_kind, base, k)), out);
                break;
        case CONFIG_RESTART_ACTION:
                fputs(restart_action_to_string(*CONFIG_AT(enum restart_action, base, k)), out);
                break;
        case CONFIG_THRESHOLDS:
                fputs(thresholds_mode_to_string(*CONFIG_AT(enum thresholds_mode, base, k)), out);
                break;
        case CONFIG_PATH:
        case CONFIG_PROGRAM:
                fputs(*CONFIG_AT(char *, base, k), out);
                break;
        case CONFIG_OOM_ADJ:
                fprintf(out, "%d", *CONFIG_AT(int, base, k));
                break;
        case CONFIG_DIR:
        case CONFIG_LISTEN:
        case CONFIG_USER:
                fputs(CONFIG_AT(char, base, k), out);
                break;
        case CONFIG_SIZE:
                print_size(out, *CONFIG_AT(uint64_t, base, k));
                break;
        }
}

/* "key = value\n" (one line per matcher of a CONFIG_MATCHERS key), or
 * "# key = (unset)\n". */
static void print_key(const struct config_key *k, const void *base, FILE *out) {
        if (!config_value_is_set(k, base)) {
                fprintf(out, "# %s = (unset)\n", k->name);
        } else if (k->type == CONFIG_MATCHERS) {
                const struct matcher_list *l = CONFIG_AT(struct matcher_list, base, k);
                for (size_t i = 0; i < l->n; i++)
                        fprintf(out, "%s = %s\n", k->name, l->items[i].source);
        } else if (k->type == CONFIG_DIR && !*CONFIG_AT(char, base, k)) {
                fprintf(out, "%s =\n", k->name); /* "" (off) reads back as such */
        } else {
                fprintf(out, "%s = ", k->name);
                print_value(k, base, out);
                fputc('\n', out);
        }
}

/* A section header and every key the section may hold; an old spelling
 * is read into the new one and printed as such. */
static void print_section(FILE *out, const char *header, const char *name, unsigned section, const void *base) {
        fprintf(out, "\n[%s%s]\n", header, name ? name : "");
        for (size_t i = 0; i < config_n_keys; i++) {
                const struct config_key *k = &config_keys[i];
                if ((k->sections & section) && !(k->flags & CONFIG_F_DEPRECATED))
                        print_key(k, base, out);
        }
}

void policy_print(const struct policy *p, FILE *out) {
        fprintf(out, "# effective policy%s%s\n", p->source_file ? " of " : "", p->source_file ? p->source_file : "");
        print_section(out, "daemon", NULL, CONFIG_SEC_DAEMON, &p->daemon);
        if (p->has_global)
                print_section(out, "global", NULL, CONFIG_SEC_GLOBAL, &p->global);
        for (size_t i = 0; i < p->n_cgroups; i++)
                print_section(out, "cgroup:", p->cgroups[i].name, CONFIG_SEC_CGROUP, &p->cgroups[i]);
        for (size_t i = 0; i < p->n_supervisors; i++)
                print_section(out, "supervisor:", p->supervisors[i].name, CONFIG_SEC_SUPERVISOR, &p->supervisors[i]);
        for (size_t i = 0; i < p->n_adjust; i++)
                print_section(out, "adjust:", p->adjust[i].name, CONFIG_SEC_ADJUST, &p->adjust[i]);
}
