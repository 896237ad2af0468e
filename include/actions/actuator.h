/* Carrying out a decision. One interface, two implementations: the real
 * one acts on the system; the dry-run one logs exactly what the real one
 * would do and touches nothing. */
#pragma once

#include "policy/evaluate.h"
#include "sources/cgroup_tree.h"

struct action_ctx {
        const char *root;                  /* filesystem root ("/" live) */
        const struct cgroup_mounts *mounts;
        const struct daemon_settings *settings;
};

struct actuator {
        const char *name;                  /* "real" | "dry-run" */
        /* Returns 0 when the action was carried out (or logged), -errno. */
        int (*execute)(const struct action_ctx *ctx, const struct decision *d);
};

extern const struct actuator actuator_dry_run;
extern const struct actuator actuator_real;

/* The structured event every action logs (journal fields OOMGUARD_*). */
void action_log_event(const char *actuator, const struct decision *d, const char *outcome);
