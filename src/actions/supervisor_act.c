/* Acting on a supervisor (see actions/supervisor_act.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "actions/family.h"
#include "actions/supervisor_act.h"
#include "outputs/report.h"
#include "sources/task_counts.h"
#include "outputs/log.h"
#include "sources/cgroup_view.h"
#include "sources/proc_pid.h"

static int signal_target(const char *root, const struct sup_target *t, int sig) {
        struct victim v = { .pid = t->pid, .starttime = t->start };
        v.pidfd = (int)syscall(SYS_pidfd_open, t->pid, 0);
        if (v.pidfd < 0)
                return -errno;
        int r = victim_signal(root, &v, sig);
        victim_release(&v);
        return r;
}

/* [daemon]'s protect list (and the built-in never-victims) guard
 * supervisors too. */
static struct victim_policy policy_of(const struct action_ctx *ctx) {
        const struct daemon_settings *ds = ctx->settings;
        return (struct victim_policy){ .root = ctx->root,
                                       .protect = { &ds->protect, NULL },
                                       .self = ctx->self,
                                       .cgroup_controller = ctx->mounts && ctx->mounts->memory_version == CGROUP_V1
                                                                    ? "memory"
                                                                    : NULL };
}

static bool spared(const struct action_ctx *ctx, const struct sup_target *t) {
        const struct victim_policy vp = policy_of(ctx);
        struct proc_stat st;
        return read_proc_stat(ctx->root, t->pid, &st) < 0 || st.starttime != t->start || victim_policy_spares(&vp, &st);
}

static int kill_family(const struct action_ctx *ctx, const struct sup_target *t, char *out, size_t size) {
        static struct family f; /* large; single-threaded loop */
        const struct victim_policy vp = policy_of(ctx);
        int r = family_collect(ctx->root, &vp, t->pid, t->start, &f);
        if (r < 0)
                return r;
        struct family_result res;
        r = family_kill(&f, ctx->settings->kill_timeout_ns, &res);
        snprintf(out, size, "killed supervisor and %zu children (all gone after %.1f ms)", f.n,
                 (double)res.all_exit_ns / 1e6);
        family_release(&f);
        return r;
}

/* Live children of pid's main thread. */
static unsigned children_of(const char *root, pid_t pid) {
        char path[64], buf[4096];
        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
        ssize_t n = read_file_at(root, path, buf, sizeof(buf));
        unsigned count = 0;
        for (ssize_t i = 0; i < n; i++)
                count += buf[i] == ' ';
        return count;
}

/* pids controller: the supervisor's cgroup may not fork any more. The
 * children it runs now are not counted: when they die, their places must
 * not go to replacements. */
static int cap_forks(const struct action_ctx *ctx, const struct sup_target *t, char *out, size_t size) {
        char view[1024], rel[1024], dir[4096], path[4200], cur[32], max[32];
        if (!ctx->mounts)
                return -ENOENT;
        bool v1 = ctx->mounts->pids_mount[0] != '\0';
        const char *mount = v1 ? ctx->mounts->pids_mount : ctx->mounts->unified_mount;
        /* A sidecar's prefix is the memory hierarchy's: it tells the pids
         * one's only when that is the same (v2); else nothing is guessed. */
        const char *prefix = ctx->cgroup_proc_prefix && *ctx->cgroup_proc_prefix ? ctx->cgroup_proc_prefix : NULL;
        bool same = !v1 && ctx->mounts->memory_version == CGROUP_V2;
        if (!mount[0] || (prefix && !same) ||
            read_proc_cgroup(ctx->root, t->pid, v1 ? "pids" : NULL, view, sizeof(view)) < 0 ||
            cgroup_view_rel(view, prefix, rel, sizeof(rel)) < 0 || path_join(dir, sizeof(dir), mount, rel) < 0)
                return -ENOENT; /* "/../x" (not the sidecar's): outside our mount, never joined onto it */
        snprintf(path, sizeof(path), "%s/pids.current", dir);
        ssize_t n = read_file_at("/", path, cur, sizeof(cur));
        if (n < 0)
                return (int)n;
        long now = strtol(cur, NULL, 10) - (long)children_of(ctx->root, t->pid);
        snprintf(max, sizeof(max), "%ld", now > 1 ? now : 1);
        snprintf(path, sizeof(path), "%s/pids.max", dir);
        int r = write_file_at("/", path, max);
        if (r == 0)
                snprintf(out, size, "pids.max of %.140s set to %s", view, max); /* fits the event's 200 bytes */
        return r;
}

/* A restart loop: the rule's restart_action on the supervisor. */
static int restart_action(const struct action_ctx *ctx, bool dry_run, struct pacing *pacing, enum restart_action a,
                          const struct sup_target *t, char *out, size_t size) {
        if (dry_run && a != RESTART_WARN) {
                snprintf(out, size, "not acted on (dry run): would %s it", restart_action_to_string(a));
                return 0;
        }
        int r = 0;
        if (a != RESTART_WARN && spared(ctx, t)) {
                snprintf(out, size, "not acted on: the supervisor is protected (or gone)");
                return -EPERM;
        }
        if (a == RESTART_KILL && pacing_limited(pacing, ctx->settings, now_ns())) {
                snprintf(out, size, "deferred: max_kills_per_minute or post_kill_delay");
                return -EAGAIN;
        }
        if (a == RESTART_KILL)
                pacing_record(pacing, now_ns());
        switch (a) {
        case RESTART_WARN:
                snprintf(out, size, "warned");
                return 0;
        case RESTART_STOP:
                r = signal_target(ctx->root, t, SIGSTOP);
                snprintf(out, size, "stopped (SIGCONT resumes it)");
                break;
        case RESTART_KILL:
                r = kill_family(ctx, t, out, size);
                break;
        case RESTART_CAP_FORKS:
                r = cap_forks(ctx, t, out, size);
                break;
        }
        if (r < 0)
                snprintf(out, size, "%s failed: %s", restart_action_to_string(a), strerror(-r));
        return r;
}

/* A zombie factory: killed, so that init reaps its zombies. */
static int zombie_action(const struct action_ctx *ctx, bool dry_run, struct pacing *pacing, enum action_kind a,
                         const struct sup_target *t, char *out, size_t size) {
        int r = 0;
        if (a != ACTION_KILL)
                snprintf(out, size, "warned");
        else if (dry_run)
                snprintf(out, size, "not acted on (dry run): would kill it so init reaps them");
        else if (spared(ctx, t))
                snprintf(out, size, "not acted on: the supervisor is protected (or gone)");
        else if (pacing_limited(pacing, ctx->settings, now_ns()))
                snprintf(out, size, "deferred: max_kills_per_minute or post_kill_delay");
        else {
                pacing_record(pacing, now_ns());
                r = signal_target(ctx->root, t, SIGKILL);
                snprintf(out, size, "%s", r < 0 ? strerror(-r) : "killed; init reaps its zombies");
        }
        return r;
}

static void log_finding(const struct supervisor_finding *f, const char *outcome) {
        char pid[16], comm[COMM_MAX];
        snprintf(pid, sizeof(pid), "%d", (int)f->target.pid);
        sanitize_copy(comm, sizeof(comm), f->target.comm);
        const struct log_field fields[] = {
                { "OOMGUARD_RULE", f->rule->name },   { "OOMGUARD_SUPERVISOR_PID", pid },
                { "OOMGUARD_SUPERVISOR_COMM", comm }, { "OOMGUARD_REASON", f->what },
                { "OOMGUARD_OUTCOME", outcome },
        };
        log_event(LOG_WARNING, f->kind == FINDING_ZOMBIE_FACTORY ? MSGID_ZOMBIES : MSGID_RESTART_LOOP, fields,
                  ELEMENTSOF(fields), "supervisor %s: %d (%s): %s: %s", f->rule->name, (int)f->target.pid, comm,
                  f->what, outcome);
}

/* A cgroup no longer lists its zombies (they left it at exit): the
 * supervisor's own zombie children, from its children list. */
static void count_zombie_children(const char *root, pid_t pid, struct task_counts *tc) {
        static char buf[16384]; /* single-threaded loop */
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
        ssize_t n = read_file_at(root, path, buf, sizeof(buf));
        for (char *p = buf, *end; n > 0 && *p; p = end) {
                long child = strtol(p, &end, 10);
                struct proc_stat st;
                if (end == p)
                        break;
                if (read_proc_stat(root, (pid_t)child, &st) == 0 && st.state == 'Z') {
                        tc->zombies++;
                        tc->processes++;
                        tc->threads++;
                }
        }
}

/* The report's part known before the action: the supervisor as the
 * victim, its cgroup and the tasks there (a zombie factory's zombies
 * are counted before its kill lets init reap them). Not the memory kill
 * path: no read budget. */
static void capture(const struct action_ctx *ctx, const struct supervisor_finding *f, struct report *out) {
        const char *ctl = ctx->mounts && ctx->mounts->memory_version == CGROUP_V1 ? "memory" : NULL;
        struct proc_stat st;
        struct report_victim *v = &out->victim;
        snprintf(out->rule, sizeof(out->rule), "%s", f->rule->name);
        snprintf(out->reason, sizeof(out->reason), "%s", f->what);
        *v = (struct report_victim){ .has = true,
                                     .pid = f->target.pid,
                                     .start_time_ticks = f->target.start,
                                     .oom_score = REPORT_UNKNOWN,
                                     .oom_score_adj = REPORT_UNKNOWN };
        memcpy(v->comm, f->target.comm, sizeof(v->comm));
        if (read_proc_stat(ctx->root, f->target.pid, &st) == 0) {
                v->ppid = st.ppid;
                v->state = st.state;
        }
        if (read_proc_cmdline(ctx->root, f->target.pid, v->cmdline, sizeof(v->cmdline)) < 0)
                v->cmdline[0] = '\0';
        char dir[4096];
        if (!ctx->mounts ||
            read_proc_cgroup(ctx->root, f->target.pid, ctl, out->cgroup.path, sizeof(out->cgroup.path)) < 0)
                return;
        out->cgroup.has = true;
        char rel[sizeof(out->cgroup.path)]; /* the view in the mount: a sidecar's prefix off */
        if (cgroup_view_rel(out->cgroup.path, ctx->cgroup_proc_prefix, rel, sizeof(rel)) == 0 &&
            path_join(dir, sizeof(dir), ctx->mounts->memory_mount, rel) == 0 &&
            task_counts_of_cgroup(ctx->root, dir, &out->tasks) == 0)
                out->has_tasks = true;
        count_zombie_children(ctx->root, f->target.pid, &out->tasks);
}

int supervisor_act(const struct action_ctx *ctx, bool dry_run, struct pacing *pacing,
                   const struct supervisor_finding *f) {
        char outcome[200];
        if (ctx->report)
                capture(ctx, f, ctx->report);
        int r = f->kind == FINDING_ZOMBIE_FACTORY ? zombie_action(ctx, dry_run, pacing, f->rule->zombie_action,
                                                                  &f->target, outcome, sizeof(outcome))
                                                  : restart_action(ctx, dry_run, pacing, f->rule->restart_action,
                                                                   &f->target, outcome, sizeof(outcome));
        log_finding(f, outcome);
        if (ctx->report) {
                struct report *out = ctx->report;
                snprintf(out->action, sizeof(out->action), "%s",
                         f->kind == FINDING_ZOMBIE_FACTORY
                                 ? (f->rule->zombie_action == ACTION_KILL ? "zombie-kill" : "warn")
                                 : restart_action_to_string(f->rule->restart_action));
                snprintf(out->outcome, sizeof(out->outcome), "%.*s", (int)sizeof(out->outcome) - 1, outcome);
                snprintf(out->wakeup, sizeof(out->wakeup), "%s", ctx->wakeup ? ctx->wakeup : "");
                out->dry_run = dry_run;
        }
        return r;
}
