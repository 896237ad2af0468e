/* Sidecar mode's start-up lines: the mode and why, then what oomguard
 * cannot do in this container and what each costs, one line each, said
 * once (the mechanisms themselves stay quiet about it in sidecar mode).
 * Read from the kernel's answers where a file tells (writable or not),
 * else from the effective capabilities. Start-up only. */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "guard.h"
#include "outputs/log.h"
#include "policy/builtin_policy.h"
#include "sidecar.h"
#include "sources/proc_pid.h"

static uint64_t cap_eff(void) {
        char buf[4096];
        uint64_t caps;
        ssize_t n = read_file_at("/", "/proc/self/status", buf, sizeof(buf));
        return n > 0 && parse_status_cap_eff(buf, (size_t)n, &caps) == 0 ? caps : 0;
}

static bool has_cap(uint64_t caps, int cap) { return (caps >> cap) & 1; }

/* 0 when dir/file is writable for us, else the errno (EROFS, EACCES...). */
static int writable(const char *dir, const char *file) {
        char path[PATH_MAX];
        if (path_join(path, sizeof(path), dir, file) < 0)
                return ENAMETOOLONG;
        return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0 ? 0 : errno;
}

static const struct rule *rule_of_self(const struct guard *g, const char *rel) {
        for (size_t i = 0; i < g->cgroups.n; i++)
                if (strcmp(g->cgroups.items[i].path, rel) == 0)
                        return &g->policy.cgroups[g->cgroups.items[i].rule_index];
        return NULL;
}

static bool psi_used(const struct rule *r) {
        return r->th.psi_some_avg10_above >= 0 || r->th.psi_full_avg10_above >= 0;
}

/* The cgroup files the rule's mechanisms write. */
static unsigned say_cgroup_files(const struct guard *g, const struct rule *r, const char *dir) {
        unsigned n = 0;
        bool v1 = g->mounts.memory_version == CGROUP_V1;
        int e;
        if (v1 && (e = writable(dir, "cgroup.event_control")) && ++n)
                log_warning(
                        "sidecar: cannot register usage-threshold wakeups (cgroup.event_control: %s): oomguard "
                        "polls instead, every 10 ms near the limit and up to 1 s far from it: a hog that fills "
                        "the rest of the limit faster than that is killed by the kernel, not by oomguard",
                        strerror(e));
        if (!v1 && r->tripwire.kind != SIZE_UNSET && (e = writable(dir, "memory.high")) && ++n)
                log_warning(
                        "sidecar: cannot set the memory.high tripwire (%s): no throttle and no wakeup just "
                        "under the limit; the usage check alone stands between a hog and the kernel",
                        strerror(e));
        if (r->reclaim_first && (e = writable(dir, v1 ? "memory.limit_in_bytes" : "memory.reclaim")) && ++n)
                log_warning(
                        "sidecar: cannot reclaim the container's page cache (%s: %s): a working set near the "
                        "limit because of cache is acted on as if it were not cache",
                        v1 ? "memory.limit_in_bytes" : "memory.reclaim", strerror(e));
        char psi[PATH_MAX];
        const char *pd = cgroup_psi_dir(&g->mounts, g->sidecar->self.rel, psi, sizeof(psi));
        if (psi_used(r) && pd && (e = writable(pd, "memory.pressure")) && ++n)
                log_warning(
                        "sidecar: cannot arm a PSI trigger on memory.pressure (%s): pressure is read at each "
                        "tick only",
                        strerror(e));
        return n;
}

static unsigned say_capabilities(const struct guard *g, const struct rule *r) {
        uint64_t caps = cap_eff();
        unsigned n = 0;
        struct rlimit rl;
        if (r && psi_used(r) && !has_cap(caps, CAP_SYS_RESOURCE) && ++n)
                log_warning(
                        "sidecar: PSI triggers use 2 s windows (no CAP_SYS_RESOURCE; the kernel takes only "
                        "multiples of 2 s unprivileged): a stall is seen up to 1 s later");
        if (!has_cap(caps, CAP_NET_ADMIN) && ++n)
                log_warning(
                        "sidecar: no proc connector (needs CAP_NET_ADMIN in the host's network namespace): "
                        "processes are followed by /proc scans every second: a restart loop is counted up to "
                        "1 s late, a ranked choice reads the whole cgroup");
        if (!has_cap(caps, CAP_KILL) && ++n)
                log_warning(
                        "sidecar: cannot signal processes of other users (no CAP_KILL): only uid %d's "
                        "processes can be killed; the others are left to the kernel",
                        (int)geteuid());
        if (!has_cap(caps, CAP_IPC_LOCK) && (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur != RLIM_INFINITY) && ++n)
                log_warning(
                        "sidecar: cannot lock its memory (no CAP_IPC_LOCK, RLIMIT_MEMLOCK too small): its "
                        "pages can be reclaimed under the pressure it guards against, slowing the first kill");
        if (!has_cap(caps, CAP_SYS_RESOURCE) && ++n)
                log_warning(
                        "sidecar: cannot lower its oom_score_adj to -1000 (no CAP_SYS_RESOURCE): the kernel "
                        "may choose oomguard, though it holds a few MiB against the workload's hundreds");
        int fd = open("/dev/kmsg", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0)
                close(fd);
        else if (++n)
                log_warning(
                        "sidecar: cannot read /dev/kmsg (%m): the kernel's own OOM kills in the container are "
                        "not reported (its oom_kill counter still is)");
        (void)g;
        return n;
}

static void say_mode(const struct sidecar *s, const struct guard *g) {
        char lim[32];
        const struct self_cgroup *c = &s->self;
        const char *policy = s->builtin ? BUILTIN_POLICY_NAME : g->policy.source_file;
        if (c->limit == BYTES_UNLIMITED)
                snprintf(lim, sizeof(lim), "none");
        else
                format_bytes(lim, sizeof(lim), c->limit);
        if (s->automatic)
                log_notice(
                        "sidecar mode chosen on its own: no -c and no %s, and our memory cgroup is the root of "
                        "the hierarchy we see, with a limit of its own (%s%s)",
                        s->default_config, s->signs[0] ? "runtime signs: " : "no runtime signs",
                        s->signs[0] ? s->signs : "");
        if (s->program)
                log_notice(
                        "sidecar: guarding the container of %s (pid %d): cgroup %s (our view; ours: %s, PID "
                        "1's: %s), its memory mount %s, limit %s, %s",
                        s->program, (int)s->app.pid, c->proc_view, s->own_view,
                        s->pid1_view[0] ? s->pid1_view : "unknown", s->app.mounts.memory_mount, lim, policy);
        else
                log_notice(
                        "sidecar: guarding the container's cgroup %s (v%d memory, /proc/self/cgroup: %s, found by %s), "
                        "limit %s, %s",
                        c->rel, g->mounts.memory_version == CGROUP_V1 ? 1 : 2, c->proc_view, c->how, lim, policy);
        if (c->limit == BYTES_UNLIMITED)
                log_warning(
                        "sidecar: the container has no memory limit of its own: no limit to act near; the "
                        "kernel's OOM killer acts machine-wide");
}

/* The kernel ignores SIGKILL sent to a pid namespace's init from inside
 * the namespace, and victim choice never takes PID 1: a workload that is
 * the container's PID 1 is the kernel's alone. */
static void say_pid1(const struct sidecar *s, const struct guard *g) {
        struct proc_stat st;
        if (getpid() == 1 || !sidecar_owns(s, g->root, 1) || read_proc_stat(g->root, 1, &st) < 0)
                return;
        log_notice(
                "sidecar: PID 1 (%s) is in the container and is never oomguard's victim (the kernel ignores "
                "SIGKILL to a pid namespace's init from inside it): the workload must run below it "
                "(docker run --init, tini, a pod with shareProcessNamespace)",
                st.comm);
}

void sidecar_announce_files(const struct sidecar *s, const struct guard *g) {
        char dir[PATH_MAX];
        const struct rule *r = g->has_mounts ? rule_of_self(g, s->self.rel) : NULL;
        if (r && path_join(dir, sizeof(dir), g->mounts.memory_mount, s->self.rel) == 0)
                (void)say_cgroup_files(g, r, dir);
}

void sidecar_announce(const struct sidecar *s, const struct guard *g) {
        say_mode(s, g);
        say_pid1(s, g);
        char dir[PATH_MAX];
        const struct rule *r = g->has_mounts ? rule_of_self(g, s->self.rel) : NULL;
        unsigned n = 0;
        if (!r)
                log_warning("sidecar: no [cgroup:] rule of %s watches our cgroup %s", g->policy.source_file,
                            s->self.rel);
        else if (path_join(dir, sizeof(dir), g->mounts.memory_mount, s->self.rel) == 0)
                n += say_cgroup_files(g, r, dir);
        n += say_capabilities(g, r);
        if (n == 0)
                log_notice("sidecar: every kernel interface oomguard uses is available here");
        else
                log_notice("sidecar: %u %s above cannot be done here; everything else is guarded as usual", n,
                           n == 1 ? "thing" : "things");
}
