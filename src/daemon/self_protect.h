#pragma once
#include <stdbool.h>
#include <string.h>
/* mlockall and oom_score_adj = -1000 for oomguard itself. */
/* Returns -ENOMEM (logged) when even its stack has no room. quiet: what
 * fails is not logged (sidecar mode said it at start, sidecar.h). */
int self_protect(bool quiet);
/* Soft RLIMIT_NOFILE up to the hard limit (many watched cgroups). */
void raise_fd_limit(void);
