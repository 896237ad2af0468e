/* --sidecar=PROGRAM (oomguard(8), SIDECAR): the pod's application
 * container beside ours, found by its program's name through the shared
 * pid namespace (sources/app_cgroup.h) and followed: when the anchor
 * exits, another process of the program in the same cgroup takes over
 * quietly; when there is none, a search 4 times a second finds the restarted
 * container (a new cgroup: the built-in policy is made again for it).
 * Start-up and rescans only, but sidecar_app_due (the tick: one poll). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "outputs/log.h"
#include "pid1.h"
#include "sidecar.h"
#include "sources/cgroup_namespace.h"
#include "sources/proc_pid.h"

/* While the app is away: a pod's few processes, read 4 times a second. */
#define APP_SEARCH_EVERY_NS (250 * NSEC_PER_MSEC)
/* While there is no app: a memory mount that cannot exist (procfs makes
 * no such entry), so that the walk is empty and nothing is watched. */
#define APP_GONE_MOUNT "/proc/self/oomguard-no-app"

static const char *controller_of(const struct cgroup_mounts *m) {
        return m->memory_version == CGROUP_V1 ? "memory" : NULL;
}

/* self is the app's cgroup: the root of its mount, as /proc shows it. */
static void fill_self(struct sidecar *s) {
        struct self_cgroup *c = &s->self;
        *c = (struct self_cgroup){ .limit = s->app.limit, .controller = controller_of(&s->own_mounts) };
        strcpy(c->rel, "/");
        snprintf(c->proc_view, sizeof(c->proc_view), "%s", s->app.view);
        snprintf(c->mount_root, sizeof(c->mount_root), "%s", s->app.mounts.memory_mount);
        /* victim_in_scope: prefix + rel ("/": nothing) is the app's view */
        snprintf(c->proc_prefix, sizeof(c->proc_prefix), "%s", strcmp(s->app.view, "/") == 0 ? "" : s->app.view);
        c->how = "the program's pid";
}

/* Says an error of the search once, until the search succeeds. */
static int said(struct sidecar *s, int r, const struct app_search *q) {
        if (r == s->app_said)
                return r;
        s->app_said = r;
        if (r == -ESRCH)
                log_notice(
                        "sidecar: no process named %s outside our container and PID 1's (shareProcessNamespace: "
                        "true? the app not started yet?): looking 4 times a second",
                        s->program);
        else if (r == -ENOTUNIQ)
                log_warning(
                        "sidecar: %s runs in two containers (pid %d in %s, pid %d in %s): guarding neither, "
                        "looking again 4 times a second",
                        s->program, (int)q->pid, q->view, (int)q->other_pid, q->other_view);
        else if (r == -EACCES || r == -EPERM)
                log_error(
                        "sidecar: cannot read the cgroups of %s (pid %d) through /proc/%d/root: %s: oomguard needs "
                        "its uid and every capability it has, or CAP_SYS_PTRACE",
                        s->program, (int)q->pid, (int)q->pid, strerror(-r));
        else if (r == -EXDEV)
                log_error(
                        "sidecar: %s (pid %d) is not in the memory cgroup mounted at /proc/%d/root%s: that mount "
                        "is not its container's own",
                        s->program, (int)q->pid, (int)q->pid, s->own_mounts.memory_mount);
        else if (r != -EAGAIN) /* EAGAIN: it exited while we looked */
                log_error("sidecar: cannot look for %s: %s", s->program, strerror(-r));
        return r;
}

/* One search; on success s->app and s->self are the new ones. */
static int search(struct sidecar *s) {
        struct app_search q = { .program = s->program,
                                .exclude = { s->own_view, s->pid1_view[0] ? s->pid1_view : NULL } };
        s->app_searched_ns = now_ns();
        int r = app_search_run("/", controller_of(&s->own_mounts), &q);
        struct app_cgroup a;
        if (r == 0)
                r = app_cgroup_open(&q, &s->own_mounts, &a);
        if (r < 0)
                log_debug("sidecar: looked for %s: %s (pid %d)", s->program, strerror(-r), (int)q.pid);
        if (r < 0)
                return said(s, r == -ESRCH && q.pid ? -EAGAIN : r, &q);
        s->app_said = 0;
        app_cgroup_close(&s->app);
        s->app = a;
        fill_self(s);
        return 0;
}

int sidecar_app_detect(const char *program, const char *default_config, struct sidecar *ret) {
        *ret = (struct sidecar){ .program = program, .app = { .pidfd = -1, .mount_fd = -1 } };
        snprintf(ret->default_config, sizeof(ret->default_config), "%s", default_config);
        /* PID 1 of its pid namespace sees no other container's processes
         * (and, blocking SIGTERM for the loop, would wait for one forever). */
        if (pid1_is())
                return log_error_errno(-ESRCH,
                                       "--sidecar=%s: oomguard is PID 1 of its pid namespace, so no other "
                                       "container's process is visible (a pod needs shareProcessNamespace: true)",
                                       program);
        int r = cgroup_mounts_discover("/", &ret->own_mounts);
        if (r < 0)
                return log_error_errno(r, "--sidecar=%s: no memory cgroup hierarchy here: %m", program);
        const char *ctl = controller_of(&ret->own_mounts);
        /* Our tree mounted from above our cgroup namespace: every view read
         * from here on is mapped (guard_init maps it again, the same way). */
        char ns_root[PATH_MAX];
        (void)cgroupns_map_mount("/", ret->own_mounts.memory_mount, ctl, ns_root, sizeof(ns_root));
        r = read_proc_cgroup("/", getpid(), ctl, ret->own_view, sizeof(ret->own_view));
        if (r < 0)
                return log_error_errno(r, "--sidecar=%s: cannot read our own cgroup: %m", program);
        if (read_proc_cgroup("/", 1, ctl, ret->pid1_view, sizeof(ret->pid1_view)) < 0)
                ret->pid1_view[0] = '\0';
        container_signs("/", ret->signs, sizeof(ret->signs));
        ret->app_said = -ESRCH; /* not there yet: the daemon's wait says it, --status fails */
        r = search(ret);
        return r == 0 || r == -ESRCH || r == -ENOTUNIQ || r == -EAGAIN ? 1 : r;
}

int sidecar_app_wait(struct sidecar *s) {
        s->app_said = 0;
        for (;;) {
                int r = search(s);
                if (r == 0)
                        return 0;
                if (r != -ESRCH && r != -ENOTUNIQ && r != -EAGAIN)
                        return r;
                struct timespec ts = { .tv_nsec = APP_SEARCH_EVERY_NS };
                nanosleep(&ts, NULL);
        }
}

static struct restore_anchor anchor_of(const struct app_cgroup *a) {
        return a->pidfd >= 0 ? (struct restore_anchor){ .pid = a->pid, .starttime = a->starttime }
                             : (struct restore_anchor){ 0 };
}

/* The app's process and its cgroup mount, held: a reload or stop before
 * the tick that sees it exit puts its entries back through that mount. */
static void set_anchor(struct guard *g) {
        const struct app_cgroup *a = &g->sidecar->app;
        struct restore_anchor now = anchor_of(a);
        optin_set_anchor(&g->optin, now, now.pid ? a->mount_fd : -1, a->mounts.memory_mount);
}

void sidecar_app_apply(struct guard *g) {
        if (!g->sidecar || !g->sidecar->program || g->sidecar->app.pidfd < 0)
                return;
        set_anchor(g); /* recorded with each change */
        g->mounts = g->sidecar->app.mounts;
        g->has_mounts = true;
        (void)guard_rescan(g);
}

uint64_t sidecar_app_due_in_ns(const struct guard *g, uint64_t now) {
        const struct sidecar *s = g->sidecar;
        if (!s || !s->program || s->app.pidfd >= 0)
                return UINT64_MAX; /* its exit wakes the loop (WAKE_APP_EXIT) */
        uint64_t since = now - s->app_searched_ns;
        return since >= APP_SEARCH_EVERY_NS ? 0 : APP_SEARCH_EVERY_NS - since;
}

bool sidecar_app_due(const struct guard *g, uint64_t now) {
        const struct sidecar *s = g->sidecar;
        if (!s || !s->program)
                return false;
        if (s->app.pidfd >= 0)
                return app_cgroup_anchor_gone(&s->app);
        return now - s->app_searched_ns >= APP_SEARCH_EVERY_NS;
}

/* The built-in policy names the app's cgroup ([supervisor:container]):
 * made again for the new one; a policy file is confined to "/" of the
 * mount, the same in every container. */
static void take_new_container(struct guard *g) {
        struct sidecar *s = g->sidecar;
        struct policy p;
        if (s->builtin && sidecar_builtin_policy(s, &p) == 0) {
                if (sidecar_confine_logged(s, &p) == 0) {
                        (void)guard_set_policy(g, &p); /* rescans */
                        sidecar_announce_files(s, g);
                        return;
                }
                policy_free(&p);
        }
        (void)guard_rescan(g);
        sidecar_announce_files(s, g);
}

/* What the old anchor's entries in the restore file become: the same
 * cgroup's new anchor takes them over; else they go back through the old
 * container's mount, held open (the anchor's /proc/PID/root went with it;
 * its pid may be another's soon). */
static void hand_over(struct guard *g, struct restore_anchor old, int old_fd, const char *old_mount, bool same,
                      const char *why) {
        if (same && old.pid)
                optin_rehome(&g->optin, old, anchor_of(&g->sidecar->app));
        else if (old.pid)
                optin_put_back_anchor(&g->optin, old, old_fd, old_mount, why);
        set_anchor(g);
        if (old_fd >= 0)
                close(old_fd);
}

/* The anchor exited and no single one follows: nothing watched until it
 * is back. */
static void watch_nothing(struct guard *g, pid_t old_pid, int r) {
        const char *program = g->sidecar->program;
        if (r == -ENOTUNIQ)
                log_notice(
                        "sidecar: %s (pid %d) exited, and %s runs in two containers now: looking again 4 times a "
                        "second",
                        program, (int)old_pid, program);
        else
                log_notice("sidecar: %s (pid %d) exited; looking for it 4 times a second", program, (int)old_pid);
        snprintf(g->mounts.memory_mount, sizeof(g->mounts.memory_mount), "%s", APP_GONE_MOUNT);
        g->mounts.unified_mount[0] = g->mounts.freezer_mount[0] = g->mounts.pids_mount[0] = '\0';
        (void)guard_rescan(g);
}

void sidecar_app_follow(struct guard *g) {
        struct sidecar *s = g->sidecar;
        char old[PATH_MAX], old_mount[PATH_MAX];
        bool had = s->app.pidfd >= 0;
        snprintf(old, sizeof(old), "%s", s->app.view);
        snprintf(old_mount, sizeof(old_mount), "%s", s->app.mounts.memory_mount);
        pid_t old_pid = s->app.pid;
        struct restore_anchor old_anchor = anchor_of(&s->app);
        int old_fd = app_cgroup_take_mount(&s->app);
        uint64_t now = now_ns();
        if (had) { /* its paths may be another process's soon */
                app_cgroup_close(&s->app);
                g->wake.rebuild = true; /* the pidfd's number may come back as another's */
                s->app_gone_ns = now;
                s->app_said = -ESRCH; /* said below, in its own words */
        }
        int r = search(s);
        if (r < 0) {
                /* ENOTUNIQ: no single container to follow (said by search) */
                hand_over(g, old_anchor, old_fd, old_mount, false,
                          r == -ENOTUNIQ ? "the app exited, and its program runs in two containers now"
                                         : "the app exited");
                if (had)
                        watch_nothing(g, old_pid, r);
                return;
        }
        bool same = strcmp(old, s->app.view) == 0;
        hand_over(g, old_anchor, old_fd, old_mount, same, "the app's container was replaced");
        g->mounts = s->app.mounts;
        g->wake.rebuild = true; /* a new pidfd to wait on */
        char lim[32];
        format_bytes(lim, sizeof(lim), s->app.limit);
        if (same) {
                if (had) /* another of its processes took over at once: nothing was unguarded */
                        log_debug("sidecar: %s: pid %d now stands for its container", s->program, (int)s->app.pid);
                else
                        log_notice(
                                "sidecar: guarding the container of %s again: pid %d, the same cgroup %s "
                                "(%llu ms after pid %d was seen gone)",
                                s->program, (int)s->app.pid, s->app.view,
                                (unsigned long long)((now_ns() - s->app_gone_ns) / NSEC_PER_MSEC), (int)old_pid);
                (void)guard_rescan(g);
                return;
        }
        log_notice(
                "sidecar: guarding the container of %s again: pid %d, cgroup %s, limit %s (%llu ms after pid "
                "%d was seen gone)",
                s->program, (int)s->app.pid, s->app.view, lim,
                (unsigned long long)((now_ns() - s->app_gone_ns) / NSEC_PER_MSEC), (int)old_pid);
        take_new_container(g);
}
