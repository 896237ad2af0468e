/* One hook's process, between the runner's fork and the exec (see
 * hook_runner_internal.h). The runner is one thread, so anything is
 * safe here; nothing of it may reach the hook but what is set below. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <systemd/sd-journal.h>
#include <syslog.h>
#include <unistd.h>

#include "hook_runner_internal.h"
#include "util.h"

static void reset_signals(void) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        /* The runner ignores some, and posix_spawn left glibc's own two
         * (32, 33, which signal() refuses to touch) ignored: the kernel's
         * call, with a struct sigaction of zeros (SIG_DFL, no flags) in
         * every architecture's layout. SIGKILL and SIGSTOP just fail. */
        static const unsigned long zeros[8];
        for (int sig = 1; sig < NSIG; sig++)
                (void)syscall(SYS_rt_sigaction, sig, zeros, NULL, (size_t)(NSIG - 1) / 8);
}

/* select() breaks above FD_SETSIZE: the limit oomguard raised goes back
 * (as systemd does for the services it starts). */
static void reset_fd_limit(void) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 1024) {
                rl.rlim_cur = 1024;
                (void)setrlimit(RLIMIT_NOFILE, &rl);
        }
}

static void set_output(bool journal) {
        int null = open("/dev/null", O_RDONLY); /* above 2 it goes with close_range */
        if (null >= 0)
                dup2(null, STDIN_FILENO);
        int out = journal ? sd_journal_stream_fd("oomguard-hook", LOG_INFO, 1) : -1;
        if (out >= 0) {
                dup2(out, STDOUT_FILENO);
                dup2(out, STDERR_FILENO);
        } else {
                dup2(STDERR_FILENO, STDOUT_FILENO);
        }
}

_Noreturn void hook_child_exec(const char *path, struct hook_env *env, bool journal) {
        reset_signals();
        (void)setsid();
        /* oomguard runs at -1000 and the runner inherits it: the hook must
         * not (raising needs no privilege; as root it also sets the min). */
        (void)write_file_at("/", "/proc/self/oom_score_adj", "0");
        reset_fd_limit();
        (void)!chdir("/");
        set_output(journal);
        (void)syscall(SYS_close_range, 3u, ~0u, 0u);
        char *argv[] = { (char *)path, NULL };
        execve(path, argv, env->envp);
        dprintf(STDERR_FILENO, "oomguard: hook %s: cannot run it: %s\n", path, strerror(errno));
        _exit(127);
}
