/* [adjust:NAME] rules as data: init, free, and the shadowing check that
 * --check-config reports. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/adjust_rule.h"
#include "policy_internal.h"

int adjust_rule_init(struct adjust_rule *r, const char *name) {
        char *n = strdup(name ? name : "");
        if (!n)
                return -ENOMEM;
        *r = (struct adjust_rule){ .name = n, .oom_score_adj = ADJUST_UNSET };
        return 0;
}

static void regex_value_free(struct regex_value *v) {
        if (v->source)
                regfree(&v->re);
        free(v->source);
        v->source = NULL;
}

void adjust_rule_free(struct adjust_rule *r) {
        free(r->name);
        regex_value_free(&r->comm);
        regex_value_free(&r->cmdline);
        free(r->exe);
        free(r->cgroup);
        free(r->user.source);
        *r = (struct adjust_rule){ .oom_score_adj = ADJUST_UNSET };
}

bool adjust_rule_has_selector(const struct adjust_rule *r) {
        return r->comm.source || r->cmdline.source || r->exe || r->cgroup || r->user.source;
}

/* Selector a is no narrower than b: not given, or given the same in both. */
static bool same_or_any(const char *a, const char *b) { return !a || (b && strcmp(a, b) == 0); }

bool adjust_rule_shadows(const struct adjust_rule *earlier, const struct adjust_rule *later) {
        const struct adjust_rule *e = earlier, *l = later;
        if (e->user.source && (!l->user.source || e->user.uid != l->user.uid))
                return false; /* "root" and "0" are the same user */
        return same_or_any(e->comm.source, l->comm.source) && same_or_any(e->cmdline.source, l->cmdline.source) &&
               same_or_any(e->exe, l->exe) && same_or_any(e->cgroup, l->cgroup);
}
