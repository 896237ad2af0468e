/* Which [adjust:] rule a process falls under: pure, over a struct of facts
 * (unit-tested without a /proc). */
#include "actions/adjust.h"

unsigned adjust_rules_needs(const struct adjust_rule *rules, size_t n) {
        unsigned fields = 0, needs = 0;
        for (size_t i = 0; i < n; i++)
                fields |= matcher_list_fields(&rules[i].match);
        if (fields & (1u << MATCH_CMDLINE))
                needs |= ADJUST_NEED_CMDLINE;
        if (fields & (1u << MATCH_EXE))
                needs |= ADJUST_NEED_EXE;
        if (fields & (1u << MATCH_CGROUP))
                needs |= ADJUST_NEED_CGROUP;
        if (fields & (1u << MATCH_USER))
                needs |= ADJUST_NEED_UID;
        return needs;
}

bool adjust_rule_matches(const struct adjust_rule *r, const struct adjust_facts *f) {
        const struct proc_facts pf = { .comm = f->comm,
                                       .cmdline = f->cmdline,
                                       .cgroup = f->cgroup,
                                       .exe = f->exe,
                                       .uid = f->uid,
                                       .has_uid = f->has_uid };
        return matcher_list_match(&r->match, &pf);
}

int adjust_first_match(const struct adjust_rule *rules, size_t n, const struct adjust_facts *f) {
        for (size_t i = 0; i < n; i++)
                if (adjust_rule_matches(&rules[i], f))
                        return (int)i;
        return -1;
}
