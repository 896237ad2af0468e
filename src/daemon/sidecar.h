/* Sidecar mode (oomguard(8), SIDECAR): guard the container oomguard runs
 * in. Which cgroup is ours (sources/self_cgroup.h), the policy (the
 * built-in one or -c, confined to that cgroup: policy/builtin_policy.h),
 * and the start-up lines that say what it cannot do there and what that
 * costs. Start-up and reload only. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "sources/self_cgroup.h"

struct guard;

struct sidecar {
        struct self_cgroup self;
        bool automatic;  /* chosen without --sidecar */
        bool builtin;    /* no -c: the built-in policy */
        char signs[256]; /* the runtime's signs, for the log */
        char default_config[PATH_MAX];
};

/* asked: --sidecar. may_choose: no -c and the default file absent (the
 * only case in which it is chosen on its own). Returns 1 in sidecar mode
 * (*ret filled), 0 otherwise, or -errno when --sidecar was asked and our
 * cgroup cannot be told (logged). */
int sidecar_detect(const char *root, bool asked, bool may_choose, const char *default_config, struct sidecar *ret);

/* The built-in policy (logged when it cannot be: a path INI cannot carry). */
int sidecar_builtin_policy(const struct sidecar *s, struct policy *ret);

/* Confines a policy loaded from a file (start-up, reload); logs what it
 * dropped. -errno (also when nothing is left to guard). */
int sidecar_confine_logged(const struct sidecar *s, struct policy *p);

/* The start-up lines: the mode and why, our cgroup and its limit, then
 * one line per missing capability, with its cost. */
void sidecar_announce(const struct sidecar *s, const struct guard *g);

/* Whether pid is in our cgroup (a supervisor finding acts only then). */
bool sidecar_owns(const struct sidecar *s, const char *root, pid_t pid);
