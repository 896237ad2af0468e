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

void adjust_rule_free(struct adjust_rule *r) {
        free(r->name);
        matcher_list_free(&r->match);
        *r = (struct adjust_rule){ .oom_score_adj = ADJUST_UNSET };
}

bool adjust_rule_has_selector(const struct adjust_rule *r) { return r->match.n > 0; }

/* "root" and "0" are the same user: terms compare by uid. */
bool adjust_rule_shadows(const struct adjust_rule *earlier, const struct adjust_rule *later) {
        return matcher_list_covers(&earlier->match, &later->match);
}
