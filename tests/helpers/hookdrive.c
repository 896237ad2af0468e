/* Test helper for the hooks (tests/t-hook.sh); links the library.
 *
 *   hookdrive [-v] [-l] drive HOOK TIMEOUT_MS CMD...
 *       starts the hook runner as the guard does (hook_runner_start:
 *       posix_spawn of /proc/self/exe --hook-runner 3), then runs each
 *       CMD in order, printing one "key=value ..." line for most:
 *         event:RULE[:KIND[:ID]]  one event (KIND action|kernel|warning) of a
 *                                 full report; prints send_ns= (hook_notify's time)
 *                                 and at_ns= (CLOCK_MONOTONIC when sent)
 *         flood:N:RULE            N events at once: sent= dropped= max_ns=
 *         sleep:MS                sleep
 *         waitfile:PATH:S         until PATH exists (at most S s): waited_ms= or
 *                                 timeout=PATH (exit status 1 at the end)
 *         waitlines:PATH:N:S      until PATH has N lines (at most S s): the same
 *         waitgrep:PATH:TEXT:S    until PATH holds TEXT (at most S s): the same
 *         lines:PATH              lines= (how many PATH has now)
 *         reload:HOOK:TIMEOUT_MS  hook_runner_reload
 *         stop-runner | cont-runner  SIGSTOP / SIGCONT to the runner
 *         kill-runner             SIGKILL to the runner, until it is gone
 *         ensure                  hook_runner_ensure: ensure= runner_pid=
 *         pid                     runner_pid=
 *         close                   close the guard's end only (the runner must exit)
 *         waitrunner:S            until the runner exits (at most S s): runner_exit_ms=
 *         stop                    hook_runner_stop: stop_ms=
 *       and at the end: sent= dropped= restarts=. -v: the runner's debug
 *       messages. -l: act like the guard first (root: oom_score_adj -1000,
 *       mlockall; always: SIGHUP/SIGTERM/SIGINT blocked, SIGUSR1 ignored,
 *       an environment variable SECRET=1 and an open descriptor no one
 *       should inherit).
 *   hookdrive --hook-runner FD
 *       the runner itself (what /proc/self/exe is asked to run).
 *   PATH/probe, a symlink to hookdrive, run as the hook (no arguments,
 *   OOMGUARD_EVENT set): writes PATH/probe.$OOMGUARD_ID (atomically) with
 *   t_ns= (CLOCK_MONOTONIC at main), pid, ppid, pgid, sid, oom_score_adj,
 *   VmLck, SigBlk, SigIgn, nofile, cwd, stdin, the open fds, then
 *   env:NAME=value for every variable. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "outputs/hook.h"
#include "outputs/log.h"

extern char **environ;

static uint64_t mono_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the probe (run as the hook) ---- */

static void status_field(FILE *out, const char *key) {
        char line[256];
        FILE *f = fopen("/proc/self/status", "r");
        size_t n = strlen(key);
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, key, n) == 0 && line[n] == ':') {
                        char *v = line + n + 1;
                        v += strspn(v, " \t");
                        v[strcspn(v, "\n")] = '\0';
                        fprintf(out, "%s=%s\n", key, v);
                }
        if (f)
                fclose(f);
}

static int probe(const char *argv0, uint64_t t0) {
        char dir[4096], path[4200], tmp[4300], buf[4096];
        snprintf(dir, sizeof(dir), "%s", argv0);
        char *slash = strrchr(dir, '/');
        if (!slash)
                return 2;
        *slash = '\0';
        const char *id = getenv("OOMGUARD_ID");
        snprintf(path, sizeof(path), "%s/probe.%s", dir, id && *id ? id : "noid");
        snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
        /* The descriptors as the hook got them, before fopen adds one. */
        char fds[512] = "";
        for (int fd = 0; fd < 1024; fd++)
                if (fcntl(fd, F_GETFD) >= 0)
                        snprintf(fds + strlen(fds), sizeof(fds) - strlen(fds), "%s%d", fds[0] ? "," : "", fd);
        FILE *out = fopen(tmp, "w");
        if (!out)
                return 2;
        fprintf(out, "t_ns=%" PRIu64 "\npid=%d\nppid=%d\npgid=%d\nsid=%d\nfds=%s\n", t0, (int)getpid(), (int)getppid(),
                (int)getpgid(0), (int)getsid(0), fds);
        ssize_t n = readlink("/proc/self/fd/0", buf, sizeof(buf) - 1);
        fprintf(out, "stdin=%.*s\n", n > 0 ? (int)n : 0, buf);
        fprintf(out, "cwd=%s\n", getcwd(buf, sizeof(buf)) ? buf : "?");
        int fd = open("/proc/self/oom_score_adj", O_RDONLY);
        n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
        fprintf(out, "oom_score_adj=%.*s", n > 0 ? (int)n : 0, buf);
        if (fd >= 0)
                close(fd);
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
        fprintf(out, "nofile=%llu\n", (unsigned long long)rl.rlim_cur);
        status_field(out, "VmLck");
        status_field(out, "SigBlk");
        status_field(out, "SigIgn");
        for (char **e = environ; *e; e++)
                fprintf(out, "env:%s\n", *e);
        if (fclose(out) != 0 || rename(tmp, path) < 0)
                return 2;
        return 0;
}

/* ---- the driver ---- */

static struct hook_runner hr;
static int failed;

static void fill(struct report *r, const char *rule, const char *kind, const char *id) {
        memset(r, 0, sizeof(*r));
        r->kind = strcmp(kind, "kernel") == 0    ? REPORT_KERNEL_OOM_KILL
                  : strcmp(kind, "warning") == 0 ? REPORT_WARNING
                                                 : REPORT_ACTION;
        snprintf(r->id, sizeof(r->id), "%s", id);
        snprintf(r->rule, sizeof(r->rule), "%s", r->kind == REPORT_KERNEL_OOM_KILL ? "" : rule);
        snprintf(r->action, sizeof(r->action), "%s", r->kind == REPORT_ACTION ? "kill" : "");
        snprintf(r->reason, sizeof(r->reason), "working set 95.0%% of limit 256.0MiB >= 90.0%%");
        snprintf(r->outcome, sizeof(r->outcome), "killed");
        r->cgroup.has = r->kind != REPORT_KERNEL_OOM_KILL;
        const char *cg =
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_abcd.slice/"
                "cri-containerd-0123456789abcdef.scope";
        snprintf(r->cgroup.path, sizeof(r->cgroup.path), "%s", cg);
        snprintf(r->kernel.task_memcg, sizeof(r->kernel.task_memcg), "%s", cg);
        r->victim.has = true;
        r->victim.pid = 4242;
        snprintf(r->victim.comm, sizeof(r->victim.comm), "java");
        snprintf(r->identity.runtime, sizeof(r->identity.runtime), "containerd");
        snprintf(r->identity.container_id, sizeof(r->identity.container_id), "0123456789abcdef");
        snprintf(r->identity.pod_uid, sizeof(r->identity.pod_uid), "1234-abcd");
        snprintf(r->identity.qos, sizeof(r->identity.qos), "burstable");
}

static struct report rep;
static unsigned n_events;

static void cmd_event(char *rule, char *kind, char *id) {
        char idbuf[48];
        snprintf(idbuf, sizeof(idbuf), "ev%u", ++n_events);
        fill(&rep, rule ? rule : "web", kind ? kind : "action", id ? id : idbuf);
        char path[128];
        snprintf(path, sizeof(path), "/var/lib/oomguard/reports/%s.json", rep.id);
        uint64_t t0 = mono_ns();
        hook_notify(&hr, &rep, path);
        uint64_t t1 = mono_ns();
        printf("event id=%s send_ns=%" PRIu64 " at_ns=%" PRIu64 "\n", rep.id, t1 - t0, t0);
}

static void cmd_flood(unsigned n, const char *rule) {
        uint64_t sent = hr.sent, dropped = hr.dropped, max = 0;
        for (unsigned i = 0; i < n; i++) {
                char id[48];
                snprintf(id, sizeof(id), "flood%u", i);
                fill(&rep, rule, "action", id);
                uint64_t t0 = mono_ns();
                hook_notify(&hr, &rep, "");
                uint64_t d = mono_ns() - t0;
                max = d > max ? d : max;
        }
        printf("flood sent=%" PRIu64 " dropped=%" PRIu64 " max_ns=%" PRIu64 "\n", hr.sent - sent, hr.dropped - dropped,
               max);
}

/* Lines of path, and whether it holds text (NULL: any). */
static int file_lines(const char *path, const char *text, bool *holds) {
        char line[4096];
        int n = 0;
        FILE *f = fopen(path, "r");
        *holds = false;
        while (f && fgets(line, sizeof(line), f)) {
                n++;
                *holds |= !text || strstr(line, text) != NULL;
        }
        if (f)
                fclose(f);
        return f ? n : -1;
}

/* Until path exists (lines < 0, text NULL), has lines lines, or holds text. */
static void cmd_wait(const char *path, int lines, const char *text, double s) {
        uint64_t t0 = mono_ns(), limit = (uint64_t)(s * 1e9);
        bool holds;
        int n;
        while ((n = file_lines(path, text, &holds)) < 0 || (text && !holds) || (lines >= 0 && n < lines)) {
                if (mono_ns() - t0 > limit) {
                        printf("timeout=%s\n", path);
                        failed = 1;
                        return;
                }
                usleep(2000);
        }
        printf("waited_ms=%.1f\n", (double)(mono_ns() - t0) / 1e6);
}

static void cmd_waitfile(const char *path, double s) { cmd_wait(path, -1, NULL, s); }

static void cmd_waitrunner(double s) {
        uint64_t t0 = mono_ns();
        struct pollfd p = { .fd = hr.pidfd, .events = POLLIN };
        if (hr.pidfd < 0 || poll(&p, 1, (int)(s * 1000)) != 1) {
                printf("runner_exit_ms=timeout\n");
                failed = 1;
                return;
        }
        printf("runner_exit_ms=%.1f\n", (double)(mono_ns() - t0) / 1e6);
}

static void signal_runner(int sig) { syscall(SYS_pidfd_send_signal, hr.pidfd, sig, NULL, 0); }

static void run_cmd(char *cmd) {
        char *args[4] = { 0 };
        char *save = NULL, *w = strtok_r(cmd, ":", &save);
        for (int i = 0; i < 4 && w; i++, w = strtok_r(NULL, ":", &save))
                args[i] = w;
        const char *c = args[0] ? args[0] : "";
        if (strcmp(c, "event") == 0) {
                cmd_event(args[1], args[2], args[3]);
        } else if (strcmp(c, "flood") == 0 && args[2]) {
                cmd_flood((unsigned)atoi(args[1]), args[2]);
        } else if (strcmp(c, "sleep") == 0 && args[1]) {
                usleep((useconds_t)atoi(args[1]) * 1000);
        } else if (strcmp(c, "waitfile") == 0 && args[2]) {
                cmd_waitfile(args[1], atof(args[2]));
        } else if (strcmp(c, "waitlines") == 0 && args[3]) {
                cmd_wait(args[1], atoi(args[2]), NULL, atof(args[3]));
        } else if (strcmp(c, "waitgrep") == 0 && args[3]) {
                cmd_wait(args[1], -1, args[2], atof(args[3]));
        } else if (strcmp(c, "lines") == 0 && args[1]) {
                bool holds;
                printf("lines=%d\n", file_lines(args[1], NULL, &holds));
        } else if (strcmp(c, "reload") == 0 && args[2]) {
                printf("reload=%d\n", hook_runner_reload(&hr, args[1], (uint64_t)atoll(args[2]) * 1000000u));
        } else if (strcmp(c, "stop-runner") == 0 || strcmp(c, "cont-runner") == 0) {
                signal_runner(c[0] == 's' ? SIGSTOP : SIGCONT);
        } else if (strcmp(c, "kill-runner") == 0) {
                signal_runner(SIGKILL);
                poll(&(struct pollfd){ .fd = hr.pidfd, .events = POLLIN }, 1, 5000);
        } else if (strcmp(c, "ensure") == 0) {
                int r = hook_runner_ensure(&hr);
                printf("ensure=%d runner_pid=%d\n", r, (int)hr.pid);
        } else if (strcmp(c, "pid") == 0) {
                printf("runner_pid=%d\n", (int)hr.pid);
        } else if (strcmp(c, "close") == 0) {
                close(hr.fd);
                hr.fd = -1;
        } else if (strcmp(c, "waitrunner") == 0 && args[1]) {
                cmd_waitrunner(atof(args[1]));
        } else if (strcmp(c, "stop") == 0) {
                uint64_t t0 = mono_ns();
                hook_runner_stop(&hr);
                printf("stop_ms=%.1f\n", (double)(mono_ns() - t0) / 1e6);
        } else {
                fprintf(stderr, "hookdrive: unknown command '%s'\n", c);
                failed = 2;
        }
        fflush(stdout);
}

/* What the guard is like when it starts the runner. */
static void like_the_guard(void) {
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGUSR1, SIG_IGN);
        setenv("SECRET", "1", 1);
        (void)open("/dev/null", O_RDONLY); /* not CLOEXEC: a leak the runner must not pass on */
        /* -1000 as the guard; without CAP_SYS_RESOURCE (lowering) 500:
         * either way not the 0 a hook must get. */
        int fd = open("/proc/self/oom_score_adj", O_WRONLY);
        if (fd < 0 || (write(fd, "-1000", 5) != 5 && write(fd, "500", 3) != 3))
                fprintf(stderr, "hookdrive: cannot set oom_score_adj\n");
        if (fd >= 0)
                close(fd);
        if (geteuid() == 0 && mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
                fprintf(stderr, "hookdrive: mlockall: %m\n");
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
}

int main(int argc, char **argv) {
        uint64_t t0 = mono_ns();
        if (argc == 3 && strcmp(argv[1], "--hook-runner") == 0)
                return hook_runner_main(argv[2]);
        if (argc == 1 && getenv("OOMGUARD_EVENT"))
                return probe(argv[0], t0);
        bool verbose = false, guardlike = false;
        int i = 1;
        for (; i < argc && argv[i][0] == '-'; i++) {
                verbose |= strcmp(argv[i], "-v") == 0;
                guardlike |= strcmp(argv[i], "-l") == 0;
        }
        if (argc - i < 3 || strcmp(argv[i], "drive") != 0) {
                fprintf(stderr, "usage: hookdrive [-v] [-l] drive HOOK TIMEOUT_MS CMD...\n");
                return 2;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);
        log_setup(LOG_TARGET_STDERR, verbose);
        if (guardlike)
                like_the_guard();
        hook_runner_init(&hr);
        uint64_t s0 = mono_ns();
        int r = hook_runner_start(&hr, argv[i + 1], (uint64_t)atoll(argv[i + 2]) * 1000000u);
        printf("start=%d runner_pid=%d start_us=%.1f\n", r, (int)hr.pid, (double)(mono_ns() - s0) / 1e3);
        if (r < 0)
                return 1;
        for (int k = i + 3; k < argc; k++)
                run_cmd(argv[k]);
        printf("sent=%" PRIu64 " dropped=%" PRIu64 " restarts=%" PRIu64 "\n", hr.sent, hr.dropped, hr.restarts);
        hook_runner_stop(&hr);
        return failed;
}
