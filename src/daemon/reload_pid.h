/* oomguard --reload-pid PID (the unit's ExecReload=): no kill binary. */
#pragma once

/* Check path with the daemon's loader (its errors printed), then send PID
 * SIGHUP through a pidfd and wait (up to 30 s) until it has taken the
 * signal and is back in its wait. Returns the exit status: 0 reloaded, 1
 * the file was refused (nothing sent: the daemon keeps its running
 * policy) or the daemon is gone or stuck, 2 a bad PID. */
int reload_pid_command(const char *pid_arg, const char *path);
