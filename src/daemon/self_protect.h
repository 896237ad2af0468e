#pragma once
#include <string.h>
/* mlockall and oom_score_adj = -1000 for oomguard itself. */
/* Returns -ENOMEM (logged) when even its stack has no room. */
int self_protect(void);
/* Soft RLIMIT_NOFILE up to the hard limit (many watched cgroups). */
void raise_fd_limit(void);
