/* The guardian process (see actions/guardian.h). */
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "actions/restore.h"
#include "actions/guardian.h"
#include "util.h"

/* stderr without stdio or the journal module: the fds of both are gone.
 * Control characters (a CR or ESC in a cgroup's name) become '?', as in
 * outputs/log.c: one message, one line. */
static void say(const char *fmt, ...) _printf_(1, 2);
static void say(const char *fmt, ...) {
        char line[RESTORE_LINE_MAX + 128];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if ((size_t)n > sizeof(line) - 2)
                n = (int)sizeof(line) - 2;
        for (int i = 0; i < n; i++)
                if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
                        line[i] = '?';
        line[n++] = '\n';
        (void)!write(STDERR_FILENO, line, (size_t)n);
}

static void report(const struct restore_entry *e, int r, void *ud) {
        char why[160];
        if (r == -ESTALE)
                say("oomguard guardian: not restoring %s = %s in %s: %s", restore_key_to_string(e->key), e->original,
                    e->path, restore_stale_reason(e, why, sizeof(why)));
        else if (r > 0)
                say("oomguard guardian: restored %s = %s in %s", restore_key_to_string(e->key), e->original, e->path);
        else if (r < 0)
                say("oomguard guardian: cannot restore %s in %s: %s", restore_key_to_string(e->key), e->path,
                    strerror(-r));
}

int guardian_run(const char *state_file) {
        const int rfd =
                GUARDIAN_PIPE_FD; /* fd 4, when there, is the claim (actions/restore_owner.h): kept to the end */
        static const int ignored[] = { SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT };
        for (size_t i = 0; i < ELEMENTSOF(ignored); i++)
                signal(ignored[i], SIG_IGN);
        prctl(PR_SET_NAME, "oomguard-guard", 0, 0, 0);
        (void)write_file_at("/", "/proc/self/oom_score_adj", "-1000");
        char c;
        ssize_t n;
        while ((n = read(rfd, &c, 1)) != 0)
                if (n < 0 && errno != EINTR)
                        break;
        int lock = restore_file_lock(state_file);
        int r = restore_file_replay(state_file, report, NULL);
        if (r > 0)
                say("oomguard guardian: the daemon is gone; restored %d cgroup values from %s", r, state_file);
        if (lock >= 0)
                close(lock);
        return 0;
}

static bool alive(struct guardian *gd) {
        if (gd->pid <= 0)
                return false;
        struct pollfd p = { .fd = gd->fd, .events = POLLOUT };
        bool gone = poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
        if (!gone && waitpid(gd->pid, NULL, WNOHANG) == 0)
                return true;
        if (gone)
                (void)waitpid(gd->pid, NULL, WNOHANG);
        close(gd->fd);
        *gd = (struct guardian){ .fd = -1 };
        return false;
}

/* The guardian is this program again, exec'd: forked, it would share the
 * daemon's pages copy-on-write, and the daemon's first write to each
 * after the fork (on the kill path, maybe) would allocate a copy. */
static int spawn_guardian(int read_end, int owner_fd, const char *state_file, pid_t *ret_pid) {
        char *argv[] = { "oomguard", "--guardian", (char *)state_file, NULL };
        const int fds[] = { read_end, owner_fd };
        return spawn_self(argv, fds, owner_fd >= 0 ? 2 : 1, ret_pid);
}

int guardian_ensure(struct guardian *gd, const char *state_file, int owner_fd) {
        if (alive(gd))
                return 0;
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        pid_t pid;
        int r = spawn_guardian(p[0], owner_fd, state_file, &pid);
        close(p[0]);
        if (r < 0) {
                close(p[1]);
                return r;
        }
        *gd = (struct guardian){ .pid = pid, .fd = p[1] }; /* the daemon holds the only write end */
        return 0;
}

void guardian_stop(struct guardian *gd) {
        if (gd->pid <= 0)
                return;
        close(gd->fd);
        /* It exits at once: nothing is left to restore. Wait a little, not
         * for ever: stopping must not hang on it. */
        for (int i = 0; i < 100; i++) {
                if (waitpid(gd->pid, NULL, WNOHANG) != 0)
                        break;
                nanosleep(&(struct timespec){ .tv_nsec = 2 * 1000 * 1000 }, NULL);
        }
        *gd = (struct guardian){ .fd = -1 };
}
