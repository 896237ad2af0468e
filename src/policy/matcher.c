/* protect / prefer / avoid matchers. Parsing allocates (config load);
 * matching does not. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/matcher.h"
#include "policy_internal.h"
#include "util.h"

static const char *const field_names[] = {
        [MATCH_COMM] = "comm",
        [MATCH_CMDLINE] = "cmdline",
        [MATCH_CGROUP] = "cgroup",
        [MATCH_USER] = "user",
};

/* Longest user text echoed in an error, as the config loader does. */
#define SHOWN_MAX 64

const char *match_field_to_string(enum match_field f) { return field_names[f]; }

/* "cmdline:REGEX" -> field and the rest; no known prefix -> comm. */
static const char *split_field(const char *value, enum match_field *ret) {
        for (size_t i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++) {
                size_t n = strlen(field_names[i]);
                if (strncmp(value, field_names[i], n) == 0 && value[n] == ':') {
                        *ret = (enum match_field)i;
                        return value + n + 1;
                }
        }
        *ret = MATCH_COMM;
        return value;
}

int matcher_resolve_user(const char *name, uid_t *ret, char *err, size_t errsize) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(name, &end, 10);
        if (*name && !*end && errno == 0) {
                *ret = (uid_t)v;
                return 0;
        }
        struct passwd *pw = getpwnam(name);
        if (!pw) {
                snprintf(err, errsize, "unknown user \"%.*s%s\"", SHOWN_MAX, name,
                         strlen(name) > SHOWN_MAX ? "..." : "");
                return -EINVAL;
        }
        *ret = pw->pw_uid;
        return 0;
}

int matcher_parse(const char *value, struct matcher *ret, char *err, size_t errsize) {
        struct matcher m = { 0 };
        const char *expr = split_field(value, &m.field);
        if (!*expr) {
                snprintf(err, errsize, "empty pattern");
                return -EINVAL;
        }
        if (m.field == MATCH_USER) {
                if (matcher_resolve_user(expr, &m.uid, err, errsize) < 0)
                        return -EINVAL;
        } else {
                int r = regcomp(&m.re, expr, REG_EXTENDED | REG_NOSUB);
                if (r != 0) {
                        char msg[128];
                        regerror(r, &m.re, msg, sizeof(msg));
                        snprintf(err, errsize, "invalid regex \"%.*s%s\": %s", SHOWN_MAX, expr,
                                 strlen(expr) > SHOWN_MAX ? "..." : "", msg);
                        return -EINVAL;
                }
                m.has_re = true;
        }
        m.source = strdup(value);
        if (!m.source) {
                if (m.has_re)
                        regfree(&m.re);
                snprintf(err, errsize, "out of memory");
                return -ENOMEM;
        }
        *ret = m;
        return 0;
}

int matcher_list_add(struct matcher_list *l, struct matcher *m) {
        if (GROW(l->items, l->cap, l->n + 1) < 0)
                return -ENOMEM;
        l->items[l->n++] = *m;
        *m = (struct matcher){ 0 };
        return 0;
}

void matcher_list_free(struct matcher_list *l) {
        for (size_t i = 0; i < l->n; i++) {
                if (l->items[i].has_re)
                        regfree(&l->items[i].re);
                free(l->items[i].source);
        }
        free(l->items);
        *l = (struct matcher_list){ 0 };
}

unsigned matcher_list_fields(const struct matcher_list *l) {
        unsigned mask = 0;
        for (size_t i = 0; l && i < l->n; i++)
                mask |= 1u << l->items[i].field;
        return mask;
}

static bool match_one(const struct matcher *m, const struct proc_facts *f) {
        const char *subject = NULL;
        switch (m->field) {
        case MATCH_USER:
                return f->has_uid && f->uid == m->uid;
        case MATCH_COMM:
                subject = f->comm;
                break;
        case MATCH_CMDLINE:
                subject = f->cmdline;
                break;
        case MATCH_CGROUP:
                subject = f->cgroup;
                break;
        }
        return subject && regexec(&m->re, subject, 0, NULL, 0) == 0;
}

bool matcher_list_match(const struct matcher_list *l, const struct proc_facts *f) {
        for (size_t i = 0; l && i < l->n; i++)
                if (match_one(&l->items[i], f))
                        return true;
        return false;
}
