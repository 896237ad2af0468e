/* Internal to src/outputs/hook_runner.c and hook_child.c. */
#pragma once

#include <stdbool.h>

#include "hook_msg.h"

/* In the runner's child, after fork: the hook's own session and process
 * group, oom_score_adj 0, no signal blocked or ignored, the soft open
 * files limit back to 1024, cwd /, stdin /dev/null, stdout and stderr
 * to the journal (identifier "oomguard-hook") when journal, else the
 * runner's stderr, no other descriptor; then exec path with env.
 * Never returns (127 when the exec fails, said on stderr). */
_Noreturn void hook_child_exec(const char *path, struct hook_env *env, bool journal);
