/* Internal to src/daemon/supervise*.c. */
#pragma once

#include "daemon/guard.h"
#include "sources/proc_pid.h"

struct sup_target {
        pid_t pid;
        uint64_t start;
        char comm[COMM_MAX];
};

/* Carry out a restart-loop action on the supervisor (dry run: only say
 * what would be done). outcome is written for the event. */
int supervise_act(struct guard *g, enum restart_action a, const struct sup_target *t,
                  char *outcome, size_t size);

/* One event: kind 0 = restart loop, 1 = zombie factory. */
void supervise_log(int kind, const struct supervisor_rule *r, const struct sup_target *t,
                   const char *what, const char *outcome);

/* Signal t through a pidfd after checking its start time. */
int supervise_signal(const char *root, const struct sup_target *t, int sig);

/* true when [daemon]'s protect list or the built-in rules spare t. */
bool supervise_spares(const struct guard *g, const struct sup_target *t);
