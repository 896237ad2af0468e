/* Sidecar mode (oomguard(8), SIDECAR): guard the container oomguard runs
 * in. Which cgroup is ours (sources/self_cgroup.h), the policy (the
 * built-in one or -c, confined to that cgroup: policy/builtin_policy.h),
 * and the start-up lines that say what it cannot do there and what that
 * costs. Start-up and reload only. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "sources/app_cgroup.h"
#include "sources/self_cgroup.h"

struct guard;

struct sidecar {
        struct self_cgroup self;
        bool automatic;  /* chosen without --sidecar */
        bool builtin;    /* no -c: the built-in policy */
        char signs[256]; /* the runtime's signs, for the log */
        char default_config[PATH_MAX];
        /* --sidecar=PROGRAM (sidecar_app.c): the application container
         * beside ours, followed across its restarts; self is then its
         * cgroup (rel "/" of app.mounts). NULL: our own container. */
        const char *program;
        struct app_cgroup app;           /* app.pidfd -1: none now */
        struct cgroup_mounts own_mounts; /* ours, as this container has them */
        char own_view[PATH_MAX];         /* our /proc/self/cgroup path: never the app's */
        char pid1_view[PATH_MAX];        /* PID 1's (a pod's pause container): never the app's */
        uint64_t app_searched_ns, app_gone_ns;
        int app_said; /* the last search's error, said once */
};

/* asked: --sidecar. may_choose: no -c and the default file absent (the
 * only case in which it is chosen on its own). Returns 1 in sidecar mode
 * (*ret filled), 0 otherwise, or -errno when --sidecar was asked and our
 * cgroup cannot be told (logged). */
int sidecar_detect(const char *root, bool asked, bool may_choose, const char *default_config, struct sidecar *ret);

/* --sidecar=PROGRAM, instead of sidecar_detect: our view, PID 1's, and
 * one search for the app. 1 (sidecar mode; s->app.pidfd -1 when not
 * found yet) or -errno when it cannot be done here (logged). */
int sidecar_app_detect(const char *program, const char *default_config, struct sidecar *ret);
/* The daemon's start without the app: looks four times a second until found
 * (0) or a search fails for good (-errno, logged). */
int sidecar_app_wait(struct sidecar *s);
/* After guard_init: the guard's mounts are the app's, walked again. */
void sidecar_app_apply(struct guard *g);
/* The tick: whether the anchor exited, or a search is due (no allocation:
 * one poll of its pidfd). */
bool sidecar_app_due(const struct guard *g, uint64_t now);
/* How long the loop may sleep before the next search (UINT64_MAX: none). */
uint64_t sidecar_app_due_in_ns(const struct guard *g, uint64_t now);
/* Then: a new anchor in the same container, the app restarted in a new
 * cgroup (the built-in policy made again for it), or none (rescans,
 * allocates, logs). */
void sidecar_app_follow(struct guard *g);

/* The built-in policy (logged when it cannot be: a path INI cannot carry). */
int sidecar_builtin_policy(const struct sidecar *s, struct policy *ret);

/* Confines a policy loaded from a file (start-up, reload); logs what it
 * dropped. -errno (also when nothing is left to guard). */
int sidecar_confine_logged(const struct sidecar *s, struct policy *p);

/* The start-up lines: the mode and why, our cgroup and its limit, then
 * one line per missing capability, with its cost. */
void sidecar_announce(const struct sidecar *s, const struct guard *g);
/* Only the lines of its cgroup's files (--sidecar=PROGRAM: the app's
 * restarted container may be mounted otherwise). */
void sidecar_announce_files(const struct sidecar *s, const struct guard *g);

/* Whether pid is in our cgroup (a supervisor finding acts only then). */
bool sidecar_owns(const struct sidecar *s, const char *root, pid_t pid);
