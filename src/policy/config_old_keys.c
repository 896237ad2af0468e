/* The old spellings of the [adjust:] selectors (comm, cmdline, exe,
 * cgroup, user: one key per field, all must match) and of [supervisor:]
 * cgroup: at the end of their section the terms they gave become part of
 * every match line ("LINE && comm:X && user:Y"), or the one match line,
 * which means the same; each old key is warned about at its line with
 * the match line to write instead. Allocates (config load). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

/* Long enough for a whole matcher line: a suggestion is not cut. */
#define HINT_MAX (2 * CONFIG_MAX_LINE + 64)

/* The line of the old key of field f in section. */
static int old_key_line(const struct loader *L, unsigned section, enum match_field f) {
        for (size_t i = 0; i < config_n_keys; i++) {
                const struct config_key *k = &config_keys[i];
                if ((k->sections & section) && k->type == CONFIG_OLD_TERM &&
                    strcmp(k->name, match_field_to_string(f)) == 0)
                        return L->key_line[i];
        }
        return 0;
}

/* What to write instead, from the match lines as written. */
static void hint(const struct matcher_list *match, const struct matcher *old, char *buf, size_t size) {
        char raw[HINT_MAX];
        if (match->n == 0)
                snprintf(raw, sizeof(raw), "write \"match = %s\" instead", old->source);
        else if (match->n == 1)
                snprintf(raw, sizeof(raw), "write \"match = %s && %s\" instead", match->items[0].source, old->source);
        else
                snprintf(raw, sizeof(raw), "end every match line with \" && %s\" instead", old->source);
        sanitize_copy(buf, size, raw);
}

void config_merge_old_terms(struct loader *L, unsigned section, struct matcher_list *match) {
        struct matcher *old = &L->old_terms;
        if (old->n_terms == 0)
                return;
        char instead[HINT_MAX];
        hint(match, old, instead, sizeof(instead));
        for (size_t i = 0; i < old->n_terms; i++) {
                enum match_field f = old->terms[i].field;
                config_warning_at(L, old_key_line(L, section, f), "%s: deprecated, %s", match_field_to_string(f),
                                  instead);
        }
        if (match->n == 0) {
                if (matcher_list_add(match, old) < 0)
                        L->fatal = -ENOMEM;
        } else {
                for (size_t i = 0; i < match->n; i++)
                        if (matcher_extend(&match->items[i], old) < 0)
                                L->fatal = -ENOMEM;
        }
        matcher_free(old);
}
