/* Process matchers for protect / prefer / avoid: "FIELD:REGEX" where FIELD
 * is comm (default), cmdline, cgroup or user. A user is resolved to a uid
 * when the config is loaded (no NSS lookups while memory is short). */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum match_field { MATCH_COMM, MATCH_CMDLINE, MATCH_CGROUP, MATCH_USER };

struct matcher {
        enum match_field field;
        char *source; /* as written, for printing */
        bool has_re;
        regex_t re; /* comm, cmdline, cgroup */
        uid_t uid;  /* user */
};

struct matcher_list {
        struct matcher *items;
        size_t n, cap; /* cap: slots allocated (GROW) */
};

/* What is known of a process when matching; NULL = not read (yet). */
struct proc_facts {
        const char *comm;
        const char *cmdline; /* arguments joined by spaces */
        const char *cgroup;  /* path in the memory hierarchy */
        uid_t uid;
        bool has_uid;
};

/* Parses "FIELD:REGEX" (or just "REGEX" for comm). On error returns
 * -EINVAL and writes a reason into err. */
int matcher_parse(const char *value, struct matcher *ret, char *err, size_t errsize);
int matcher_list_add(struct matcher_list *l, struct matcher *m); /* moves *m */
void matcher_list_free(struct matcher_list *l);

/* Which fields any matcher of the list needs (bitmask of 1 << field), so
 * a caller reads cmdline only when a rule looks at it. */
unsigned matcher_list_fields(const struct matcher_list *l);

/* true when some matcher matches. A matcher whose field is not in facts
 * does not match. */
bool matcher_list_match(const struct matcher_list *l, const struct proc_facts *f);
