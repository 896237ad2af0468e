/* Acting on a supervisor: stop, kill (with its workers), cap its forks,
 * or warn; and one event for each. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "actions/family.h"
#include "daemon/guard.h"
#include "daemon/supervise_act.h"
#include "outputs/log.h"

int supervise_signal(const char *root, const struct sup_target *t, int sig) {
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
static struct victim_policy policy_of(const struct guard *g) {
        const struct daemon_settings *ds = &g->policy.daemon;
        return (struct victim_policy){ .root = g->root, .protect = { &ds->protect, NULL }, .self = g->self,
                .cgroup_controller = g->has_mounts && g->mounts.memory_version == CGROUP_V1 ? "memory" : NULL };
}

bool supervise_spares(const struct guard *g, const struct sup_target *t) {
        const struct victim_policy vp = policy_of(g);
        struct proc_stat st;
        return read_proc_stat(g->root, t->pid, &st) < 0 || st.starttime != t->start || victim_policy_spares(&vp, &st);
}

static int kill_family(const struct guard *g, const struct sup_target *t, char *out, size_t size) {
        static struct family f; /* large; single-threaded loop */
        const struct victim_policy vp = policy_of(g);
        int r = family_collect(g->root, &vp, t->pid, t->start, &f);
        if (r < 0)
                return r;
        struct family_result res;
        r = family_kill(&f, g->policy.daemon.kill_timeout_ns, &res);
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
static int cap_forks(const struct guard *g, const struct sup_target *t, char *out, size_t size) {
        char rel[1024], dir[4096], path[4200], cur[32], max[32];
        bool v1 = g->mounts.pids_mount[0] != '\0';
        const char *mount = v1 ? g->mounts.pids_mount : g->mounts.unified_mount;
        if (!mount[0] || read_proc_cgroup(g->root, t->pid, v1 ? "pids" : NULL, rel, sizeof(rel)) < 0 ||
            path_join(dir, sizeof(dir), mount, rel) < 0)
                return -ENOENT;
        snprintf(path, sizeof(path), "%s/pids.current", dir);
        ssize_t n = read_file_at("/", path, cur, sizeof(cur));
        if (n < 0)
                return (int)n;
        long now = strtol(cur, NULL, 10) - (long)children_of(g->root, t->pid);
        snprintf(max, sizeof(max), "%ld", now > 1 ? now : 1);
        snprintf(path, sizeof(path), "%s/pids.max", dir);
        int r = write_file_at("/", path, max);
        if (r == 0)
                snprintf(out, size, "pids.max of %s set to %s", rel, max);
        return r;
}

int supervise_act(struct guard *g, enum restart_action a, const struct sup_target *t,
                  char *out, size_t size) {
        if (guard_actuator(g) != &actuator_real && a != RESTART_WARN) {
                snprintf(out, size, "not acted on (dry run): would %s it", restart_action_to_string(a));
                return 0;
        }
        int r = 0;
        if (a != RESTART_WARN && supervise_spares(g, t)) {
                snprintf(out, size, "not acted on: the supervisor is protected (or gone)");
                return -EPERM;
        }
        if (a == RESTART_KILL && guard_rate_limited(g, now_ns())) {
                snprintf(out, size, "deferred: max_kills_per_minute or post_kill_delay");
                return -EAGAIN;
        }
        if (a == RESTART_KILL)
                guard_record_action(g, now_ns());
        switch (a) {
        case RESTART_WARN:
                snprintf(out, size, "warned");
                return 0;
        case RESTART_STOP:
                r = supervise_signal(g->root, t, SIGSTOP);
                snprintf(out, size, "stopped (SIGCONT resumes it)");
                break;
        case RESTART_KILL:
                r = kill_family(g, t, out, size);
                break;
        case RESTART_CAP_FORKS:
                r = cap_forks(g, t, out, size);
                break;
        }
        if (r < 0)
                snprintf(out, size, "%s failed: %s", restart_action_to_string(a), strerror(-r));
        return r;
}

void supervise_log(int msgid_kind, const struct supervisor_rule *r, const struct sup_target *t,
                   const char *what, const char *outcome) {
        char pid[16], comm[COMM_MAX];
        snprintf(pid, sizeof(pid), "%d", (int)t->pid);
        sanitize_copy(comm, sizeof(comm), t->comm);
        const struct log_field fields[] = {
                { "OOMGUARD_RULE", r->name }, { "OOMGUARD_SUPERVISOR_PID", pid },
                { "OOMGUARD_SUPERVISOR_COMM", comm }, { "OOMGUARD_REASON", what },
                { "OOMGUARD_OUTCOME", outcome },
        };
        log_event(LOG_WARNING, msgid_kind ? MSGID_ZOMBIES : MSGID_RESTART_LOOP, fields, ELEMENTSOF(fields),
                  "supervisor %s: %d (%s): %s: %s", r->name, (int)t->pid, comm, what, outcome);
}
