/* [adjust:NAME] rules: which processes get which oom_score_adj. Plain
 * data as loaded from the INI file; applying them is actions/adjust.h. */
#pragma once

#include <limits.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define ADJUST_UNSET INT_MIN /* oom_score_adj not given */
#define OOM_ADJ_MIN (-1000)
#define OOM_ADJ_MAX 1000

/* A regex selector (comm, cmdline); source NULL = not given. */
struct regex_value {
        char *source;
        regex_t re;
};

/* A user selector: name or uid as written, resolved when loaded (no NSS
 * lookups while memory is short). source NULL = not given. */
struct user_value {
        char *source;
        uid_t uid;
};

struct adjust_rule {
        char *name;
        /* Selectors: every one given must match (AND); at least one. */
        struct regex_value comm;    /* /proc/PID/stat comm */
        struct regex_value cmdline; /* arguments joined by spaces */
        char *exe;                  /* /proc/PID/exe: exact path or fnmatch glob */
        char *cgroup;               /* memory hierarchy path, fnmatch(FNM_PATHNAME) */
        struct user_value user;     /* real uid */
        int oom_score_adj;          /* -1000..1000, ADJUST_UNSET until set */
        bool enforce;               /* restore it when the process changes it */
        int line;                   /* of the section header */
};

/* Whether every process later could match, earlier matches too: each
 * selector of earlier is given in later with the same value. Rules apply
 * first match first, so later then never applies. */
bool adjust_rule_shadows(const struct adjust_rule *earlier, const struct adjust_rule *later);
