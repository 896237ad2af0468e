/* The guardian: a tiny process (oomguard --guardian, exec'd) started
 * before oomguard changes any cgroup file. It blocks on a pipe whose only
 * write end the daemon holds; when the daemon dies, by any means (SIGKILL
 * included), the kernel closes that end, the guardian reads EOF, replays
 * the restore state file (see actions/restore.h) and exits. It holds the
 * daemon's claim on the restore file (actions/restore_owner.h) until
 * then, so that no new instance starts while it puts back. It ignores
 * SIGTERM/SIGINT/SIGHUP, so a service stop reaches it only through the
 * daemon's exit. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct guardian {
        pid_t pid; /* 0 = none */
        int fd;    /* the pipe's write end, -1 = none */
};

/* Start one unless one is alive (a dead one is reaped first); owner_fd:
 * the claim it inherits (-1 = none). Returns 0 or -errno. */
int guardian_ensure(struct guardian *gd, const char *state_file, int owner_fd);
/* The guardian's own main (oomguard --guardian STATE_FILE): the pipe is
 * its fd GUARDIAN_PIPE_FD. Returns its exit status. */
#define GUARDIAN_PIPE_FD 3
int guardian_run(const char *state_file);
/* The daemon stops cleanly: close the pipe (the guardian finds nothing
 * left to restore and exits) and reap it. */
void guardian_stop(struct guardian *gd);
