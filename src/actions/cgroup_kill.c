/* kill-cgroup (reclaim is reclaim.c). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "actions/victim.h"
#include "cgroup_kill.h"
#include "sources/procs.h"
#include "sources/proc_pid.h"
#include "util.h"

/* Rounds of 5 ms: a dying process stays listed until its exit is done,
 * which takes long for big ones (and 10-50x longer in an emulated VM). */
#define KILL_ROUNDS 200

struct sweep {
        const struct action_ctx *ctx;
        bool counting;   /* first round: count the members signalled */
        const char *rel; /* the cgroup, relative to the hierarchy root */
        pid_t refuse;    /* found PID 1 or ourselves: refuse the whole action */
        unsigned killed, seen;
        bool froze; /* v1: its freezer twin was frozen for the sweep */
};

/* Refuse before touching anything: a cgroup holding PID 1 or oomguard. */
static int check_member(pid_t pid, void *ud) {
        struct sweep *s = ud;
        if (pid == 1 || pid == s->ctx->self) {
                s->refuse = pid;
                return -EPERM;
        }
        return 0;
}

/* After the pidfd is open the pid cannot be reused: check that it is
 * still a member (it was not, if the listed process died and its pid went
 * to someone else between reading cgroup.procs and pidfd_open). */
static bool still_member(const struct sweep *s, pid_t pid) {
        const char *ctl = s->ctx->mounts->memory_version == CGROUP_V1 ? "memory" : NULL;
        return pid_in_cgroup(s->ctx->root, ctl, s->ctx->cgroup_proc_prefix, s->rel, pid);
}

static int kill_member(pid_t pid, void *ud) {
        struct sweep *s = ud;
        s->seen++;
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
                return 0; /* already gone */
        if (still_member(s, pid) && syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == 0 && s->counting)
                s->killed++;
        close(fd);
        return 0;
}

static void sleep_ms(long ms) {
        struct timespec ts = { 0, ms * 1000000L };
        nanosleep(&ts, NULL);
}

/* v1: freeze so nothing forks while we sweep, then thaw so the frozen
 * (SIGKILLed) tasks can die. Only a cgroup that is THAWED and does not
 * hold oomguard or PID 1 is frozen, and only what we froze is thawed. */
static bool freeze(const struct action_ctx *ctx, const char *rel, struct sweep *s, char *dir, size_t size) {
        char path[4200], state[32];
        if (!ctx->mounts->freezer_mount[0] || path_join(dir, size, ctx->mounts->freezer_mount, rel) < 0)
                return false;
        snprintf(path, sizeof(path), "%s/freezer.state", dir);
        if (read_file_at("/", path, state, sizeof(state)) < 0 || strncmp(state, "THAWED", 6) != 0)
                return false; /* absent, or frozen by someone else: leave it */
        if (procs_in_cgroup(dir, check_member, s) == -EPERM)
                return false;
        return write_file_at("/", path, "FROZEN") == 0;
}

static void thaw(const char *dir) {
        char path[4200];
        snprintf(path, sizeof(path), "%s/freezer.state", dir);
        (void)write_file_at("/", path, "THAWED");
}

static int kill_v1(const struct action_ctx *ctx, const char *dir, const char *rel, struct sweep *s) {
        char fdir[4096];
        bool frozen = freeze(ctx, rel, s, fdir, sizeof(fdir));
        s->froze = frozen;
        for (int round = 0; round < KILL_ROUNDS; round++) {
                s->seen = 0;
                s->counting = round == 0;
                procs_in_cgroup(dir, kill_member, s);
                if (frozen) {
                        thaw(fdir); /* let them die */
                        frozen = false;
                }
                if (s->seen == 0)
                        break;
                sleep_ms(5);
        }
        return s->seen == 0 ? 0 : -EBUSY;
}

static int count_member(pid_t pid, void *ud) {
        ((struct sweep *)ud)->killed++;
        return 0;
}

static int kill_v2(const char *dir, struct sweep *s) {
        char path[4200];
        procs_in_cgroup(dir, count_member, s); /* cgroup.kill does not say how many */
        snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
        int r = write_file_at("/", path, "1");
        if (r < 0 && r != -ENOENT)
                return r; /* no cgroup.kill (before 5.14): the sweep alone */
        for (int round = 0; round < KILL_ROUNDS; round++) {
                s->seen = 0;
                s->counting = false;
                procs_in_cgroup(dir, kill_member, s); /* signals stragglers again */
                if (s->seen == 0)
                        return 0;
                sleep_ms(5);
        }
        return -EBUSY;
}

int cgroup_kill(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep) {
        char dir[4096];
        if (!action_cgroup_dir(ctx, d, dir, sizeof(dir))) {
                snprintf(rep->outcome, sizeof(rep->outcome), "kill-cgroup needs a cgroup rule");
                return -EINVAL;
        }
        struct sweep s = { .ctx = ctx, .rel = d->cgroup->path };
        if (procs_in_cgroup(dir, check_member, &s) == -EPERM) {
                snprintf(rep->outcome, sizeof(rep->outcome), "refused: the cgroup holds %s",
                         s.refuse == 1 ? "PID 1" : "oomguard itself");
                return -EPERM;
        }
        int r = ctx->mounts->memory_version == CGROUP_V2 ? kill_v2(dir, &s) : kill_v1(ctx, dir, d->cgroup->path, &s);
        rep->cgroup_killed = s.killed;
        snprintf(rep->outcome, sizeof(rep->outcome), "%s (%u processes signalled%s)",
                 r == 0 ? "cgroup emptied" : "cgroup not empty yet", s.killed,
                 ctx->mounts->memory_version == CGROUP_V2 ? " after cgroup.kill"
                 : s.froze                                ? ", frozen first"
                                                          : "");
        return r;
}
