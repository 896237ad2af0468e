/* [adjust:NAME] rules: which processes get which oom_score_adj. Plain
 * data as loaded from the INI file; applying them is actions/adjust.h. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "policy/matcher.h"

#define ADJUST_UNSET INT_MIN /* oom_score_adj not given */
#define OOM_ADJ_MIN (-1000)
#define OOM_ADJ_MAX 1000

struct adjust_rule {
        char *name;
        /* "match": which processes (policy/matcher.h); any line matches; at
         * least one. The old selector keys (comm, cmdline, exe, cgroup,
         * user) are merged into these lines when loaded. */
        struct matcher_list match;
        int oom_score_adj; /* -1000..1000, ADJUST_UNSET until set */
        bool enforce;      /* restore it when the process changes it */
        int line;          /* of the section header */
};

/* Whether every process later could match, earlier matches too: each
 * match line of later holds every term of some line of earlier. Rules
 * apply first match first, so later then never applies. */
bool adjust_rule_shadows(const struct adjust_rule *earlier, const struct adjust_rule *later);
