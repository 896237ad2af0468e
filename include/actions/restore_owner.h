/* One oomguard per restore file. The file lists what the running
 * instance changed; a second instance that replayed it would put back,
 * under the first one's feet, the values the first is guarding with (its
 * oom_kill_disable = 1 turned back into 0: the kernel's killer again).
 *
 * The owner holds an exclusive flock on PATH.owner for its whole life,
 * with its pid written in the file for the refusal message. The guardian
 * inherits the descriptor at its fork, so the claim outlives a daemon
 * killed with SIGKILL until the guardian has put everything back. The
 * file is never removed (removing a locked file lets a third instance
 * lock a new one beside it). */
#pragma once

#include <sys/types.h>

/* Claims the restore file for this process. Returns the descriptor to
 * keep open (close it to give the claim up), or -EBUSY when another
 * instance holds it (*ret_owner: its pid as written, 0 unknown), or
 * -errno. When the recorded owner is dead its guardian is still putting
 * back: waits up to wait_ms for that to end. */
int restore_owner_claim(const char *restore_file, unsigned wait_ms, pid_t *ret_owner);
