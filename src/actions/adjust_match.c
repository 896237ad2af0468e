/* Which [adjust:] rule a process falls under: pure, over a struct of facts
 * (unit-tested without a /proc). */
#include <fnmatch.h>
#include <string.h>

#include "actions/adjust.h"

unsigned adjust_rules_needs(const struct adjust_rule *rules, size_t n) {
        unsigned needs = 0;
        for (size_t i = 0; i < n; i++) {
                if (rules[i].cmdline.source)
                        needs |= ADJUST_NEED_CMDLINE;
                if (rules[i].exe)
                        needs |= ADJUST_NEED_EXE;
                if (rules[i].cgroup)
                        needs |= ADJUST_NEED_CGROUP;
                if (rules[i].user.source)
                        needs |= ADJUST_NEED_UID;
        }
        return needs;
}

static bool regex_ok(const struct regex_value *v, const char *subject) {
        return !v->source || (subject && regexec(&v->re, subject, 0, NULL, 0) == 0);
}

/* A glob that is a plain path matches itself; FNM_PATHNAME: '*' stays
 * within one directory, as for [cgroup:] paths. */
static bool glob_ok(const char *glob, const char *subject) {
        return !glob || (subject && (strcmp(glob, subject) == 0 || fnmatch(glob, subject, FNM_PATHNAME) == 0));
}

bool adjust_rule_matches(const struct adjust_rule *r, const struct adjust_facts *f) {
        if (r->user.source && (!f->has_uid || f->uid != r->user.uid))
                return false;
        return glob_ok(r->exe, f->exe) && glob_ok(r->cgroup, f->cgroup) && regex_ok(&r->comm, f->comm) &&
               regex_ok(&r->cmdline, f->cmdline);
}

int adjust_first_match(const struct adjust_rule *rules, size_t n, const struct adjust_facts *f) {
        for (size_t i = 0; i < n; i++)
                if (adjust_rule_matches(&rules[i], f))
                        return (int)i;
        return -1;
}
