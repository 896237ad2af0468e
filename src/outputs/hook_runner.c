/* The hook runner (oomguard --hook-runner FD; see outputs/hook.h): reads
 * the guard's messages, runs the hook for each event, at most one at a
 * time per rule and HOOK_RUNS_MAX in all, kills a hook at its timeout,
 * reaps and logs. Its state is fixed-size: one slot per rule holding at
 * most the newest waiting event and the count of those it replaced, so
 * a storm of events costs a counter, never a queue. It exits when the
 * guard's end of the socket closes. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hook_msg.h"
#include "hook_runner_internal.h"
#include "outputs/log.h"
#include "util.h"

/* How long the runner waits for its killed hooks when the guard is gone. */
#define EXIT_WAIT_NS NSEC_PER_SEC

struct run {
        pid_t pid; /* 0 = free */
        int pidfd;
        int slot;
        uint64_t started_ns, deadline_ns;
        bool killed;
        char path[HOOK_PATH_MAX]; /* the hook it runs (a reload may change the next) */
};

struct slot {
        bool used;
        char rule[64];
        int run; /* index in runs, -1 = none running */
        bool has_pending;
        uint64_t pending_seq; /* which waiting event came first */
        uint64_t missed;      /* events of this rule that got no run, since its last one began */
        struct hook_event pending;
};

struct runner {
        int fd;
        bool eof;
        uint64_t eof_ns;
        bool configured;
        struct hook_config cfg;
        struct slot slots[HOOK_RULES_MAX];
        struct run runs[HOOK_RUNS_MAX];
        uint64_t seq, dropped, bad;
        struct hook_msg msg; /* the one being read */
};

static const char *label(char buf[96], const struct runner *R, int slot) {
        return hook_rule_label(buf, 96, R->slots[slot].rule);
}

/* "10 s", "500 ms". */
static const char *duration(char buf[32], uint64_t ns) {
        if (ns % NSEC_PER_SEC == 0)
                snprintf(buf, 32, "%" PRIu64 " s", ns / NSEC_PER_SEC);
        else
                snprintf(buf, 32, "%" PRIu64 " ms", (ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
        return buf;
}

static int free_run(const struct runner *R) {
        for (int i = 0; i < HOOK_RUNS_MAX; i++)
                if (!R->runs[i].pid)
                        return i;
        return -1;
}

static void start(struct runner *R, int s, const struct hook_event *e) {
        struct slot *sl = &R->slots[s];
        struct run *run = &R->runs[free_run(R)];
        char lb[96];
        struct hook_env env;
        if (hook_env_build(&env, e, sl->missed) < 0) { /* cannot happen with a checked event */
                sl->missed++;
                return;
        }
        snprintf(run->path, sizeof(run->path), "%s", R->cfg.path); /* the child's copy */
        pid_t pid = fork();
        if (pid == 0)
                hook_child_exec(run->path, &env, R->cfg.journal);
        int pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
        if (pidfd < 0) {
                log_error("hook %s for %s: cannot start it: %m", run->path, label(lb, R, s));
                if (pid > 0) { /* no pidfd: it cannot be watched; end it now */
                        kill(-pid, SIGKILL);
                        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                                ;
                }
                sl->missed++;
                return;
        }
        uint64_t now = now_ns();
        *run = (struct run){
                .pid = pid, .pidfd = pidfd, .slot = s, .started_ns = now, .deadline_ns = now + R->cfg.timeout_ns
        };
        snprintf(run->path, sizeof(run->path), "%s", R->cfg.path);
        log_debug("hook %s for %s: pid %d, %s event %s, %" PRIu64 " missed", run->path, label(lb, R, s), (int)pid,
                  hook_event_kind_name(e->kind), e->id, sl->missed);
        sl->run = (int)(run - R->runs);
        sl->missed = 0;
}

/* The slot of rule, made when there is none; -1 when all are taken. */
static int slot_of(struct runner *R, const char *rule) {
        int free_slot = -1;
        for (int i = 0; i < HOOK_RULES_MAX; i++) {
                if (R->slots[i].used && strcmp(R->slots[i].rule, rule) == 0)
                        return i;
                if (!R->slots[i].used && free_slot < 0)
                        free_slot = i;
        }
        if (free_slot >= 0) {
                struct slot *sl = &R->slots[free_slot];
                *sl = (struct slot){ .used = true, .run = -1 };
                snprintf(sl->rule, sizeof(sl->rule), "%s", rule);
        }
        return free_slot;
}

static void on_event(struct runner *R, const struct hook_event *e) {
        int s = slot_of(R, e->rule);
        if (s < 0) {
                if (hook_log_nth(++R->dropped))
                        log_warning("hook: %d rules wait already: event %s dropped (%" PRIu64 " so far)",
                                    HOOK_RULES_MAX, e->id, R->dropped);
                return;
        }
        struct slot *sl = &R->slots[s];
        if (sl->run < 0 && free_run(R) >= 0) {
                start(R, s, e);
                return;
        }
        if (sl->has_pending)
                sl->missed++; /* the one waiting is replaced by the newer */
        sl->pending = *e;
        sl->has_pending = true;
        sl->pending_seq = ++R->seq;
}

/* Starts the waiting events, the oldest first, while there is room. */
static void schedule(struct runner *R) {
        while (free_run(R) >= 0) {
                int best = -1;
                for (int i = 0; i < HOOK_RULES_MAX; i++) {
                        const struct slot *sl = &R->slots[i];
                        if (sl->used && sl->has_pending && sl->run < 0 &&
                            (best < 0 || sl->pending_seq < R->slots[best].pending_seq))
                                best = i;
                }
                if (best < 0)
                        break;
                R->slots[best].has_pending = false;
                start(R, best, &R->slots[best].pending);
        }
        for (int i = 0; i < HOOK_RULES_MAX; i++) {
                struct slot *sl = &R->slots[i];
                if (sl->used && sl->run < 0 && !sl->has_pending && sl->missed == 0)
                        sl->used = false;
        }
}

static void kill_run(struct runner *R, struct run *run, const char *why) {
        char lb[96];
        /* The group first (setsid made it the hook's pid; the leader is
         * not reaped yet, so the id is still its), then the leader by its
         * pidfd in case it left its group. */
        kill(-run->pid, SIGKILL);
        syscall(SYS_pidfd_send_signal, run->pidfd, SIGKILL, NULL, 0);
        run->killed = true;
        log_warning("hook %s for %s: killed %s", run->path, label(lb, R, run->slot), why);
}

static void reap(struct runner *R, struct run *run) {
        int status;
        if (waitpid(run->pid, &status, WNOHANG) != run->pid)
                return;
        char lb[96], d[32];
        const char *who = label(lb, R, run->slot);
        uint64_t took = now_ns() - run->started_ns;
        if (run->killed)
                ; /* said when killed */
        else if (WIFSIGNALED(status))
                log_warning("hook %s for %s: killed by signal %d after %s", run->path, who, WTERMSIG(status),
                            duration(d, took));
        else if (WEXITSTATUS(status) != 0)
                log_warning("hook %s for %s: exited with status %d after %s", run->path, who, WEXITSTATUS(status),
                            duration(d, took));
        else
                log_debug("hook %s for %s: done after %s", run->path, who, duration(d, took));
        close(run->pidfd);
        R->slots[run->slot].run = -1;
        *run = (struct run){ 0 };
}

static void on_message(struct runner *R, const struct hook_msg *m, ssize_t n) {
        if (n < 0 || hook_msg_check(m, (size_t)n) < 0) {
                if (hook_log_nth(++R->bad))
                        log_error("hook: a malformed message from oomguard (%zd bytes) ignored", n);
                return;
        }
        if (m->type == HOOK_MSG_CONFIG) {
                R->cfg = m->config;
                R->configured = true;
                log_setup(R->cfg.journal ? LOG_TARGET_JOURNAL : LOG_TARGET_STDERR, R->cfg.verbose);
        } else if (!R->configured) {
                log_error("hook: event %s before any configuration: dropped", m->event.id);
        } else {
                on_event(R, &m->event);
        }
}

static void drain(struct runner *R) {
        for (;;) {
                /* MSG_TRUNC: the datagram's real length, so that a longer one is refused. */
                ssize_t n = recv(R->fd, &R->msg, sizeof(R->msg), MSG_DONTWAIT | MSG_TRUNC);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                        R->eof = true; /* the guard is gone */
                        R->eof_ns = now_ns();
                        for (int i = 0; i < HOOK_RUNS_MAX; i++)
                                if (R->runs[i].pid && !R->runs[i].killed)
                                        kill_run(R, &R->runs[i], "as oomguard stopped");
                        return;
                }
                if (n < 0)
                        return;
                on_message(R, &R->msg, n);
        }
}

/* ms until the nearest deadline (a hook's timeout, or giving up on exit), -1 none. */
static int poll_timeout(const struct runner *R, uint64_t now) {
        uint64_t next = R->eof ? R->eof_ns + EXIT_WAIT_NS : UINT64_MAX;
        for (int i = 0; i < HOOK_RUNS_MAX; i++)
                if (R->runs[i].pid && !R->runs[i].killed && R->runs[i].deadline_ns < next)
                        next = R->runs[i].deadline_ns;
        if (next == UINT64_MAX)
                return -1;
        if (next <= now)
                return 0;
        uint64_t ms = (next - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
        return ms > 60000 ? 60000 : (int)ms;
}

static bool running(const struct runner *R) {
        for (int i = 0; i < HOOK_RUNS_MAX; i++)
                if (R->runs[i].pid)
                        return true;
        return false;
}

static void loop(struct runner *R) {
        while (!R->eof || running(R)) {
                struct pollfd p[1 + HOOK_RUNS_MAX];
                struct run *of[1 + HOOK_RUNS_MAX];
                nfds_t n = 0;
                if (!R->eof)
                        p[n++] = (struct pollfd){ .fd = R->fd, .events = POLLIN };
                for (int i = 0; i < HOOK_RUNS_MAX; i++)
                        if (R->runs[i].pid) {
                                of[n] = &R->runs[i];
                                p[n++] = (struct pollfd){ .fd = R->runs[i].pidfd, .events = POLLIN };
                        }
                int r = poll(p, n, poll_timeout(R, now_ns()));
                if (r < 0 && errno != EINTR)
                        break;
                for (nfds_t i = R->eof ? 0 : 1; r > 0 && i < n; i++)
                        if (p[i].revents)
                                reap(R, of[i]);
                if (!R->eof && r > 0 && p[0].revents)
                        drain(R);
                uint64_t now = now_ns();
                if (R->eof && now >= R->eof_ns + EXIT_WAIT_NS)
                        break; /* a hook stuck in D state: leave it */
                for (int i = 0; i < HOOK_RUNS_MAX; i++) {
                        struct run *run = &R->runs[i];
                        if (run->pid && !run->killed && now >= run->deadline_ns) {
                                char d[32], why[48];
                                snprintf(why, sizeof(why), "after %s", duration(d, run->deadline_ns - run->started_ns));
                                kill_run(R, run, why);
                        }
                }
                if (!R->eof)
                        schedule(R);
        }
}

int hook_runner_main(const char *fd_arg) {
        static const int ignored[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE };
        char *end;
        long fd = strtol(fd_arg, &end, 10);
        if (!*fd_arg || *end || fd < 0 || fd > 65535) {
                fprintf(stderr, "oomguard: --hook-runner: expected a descriptor, got '%s'\n", fd_arg);
                return 2;
        }
        /* A service stop reaches it through the guard's exit (EOF), never
         * half-way: the guard may still send its last events. */
        for (size_t i = 0; i < ELEMENTSOF(ignored); i++)
                signal(ignored[i], SIG_IGN);
        prctl(PR_SET_NAME, "oomguard-hooks", 0, 0, 0);
        log_setup(LOG_TARGET_STDERR, false); /* until the configuration says */
        struct runner *R = calloc(1, sizeof(*R));
        if (!R)
                return 1;
        R->fd = (int)fd;
        for (int i = 0; i < HOOK_RUNS_MAX; i++)
                R->runs[i].pidfd = -1;
        (void)fcntl(R->fd, F_SETFD, FD_CLOEXEC); /* not the hooks' */
        loop(R);
        free(R);
        return 0;
}
