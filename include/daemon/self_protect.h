#pragma once
#include <string.h>
/* mlockall and oom_score_adj = -1000 for oomguard itself. */
void self_protect(void);
