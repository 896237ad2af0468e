/* The set of kernel event fds the loop waits on (arming: wakeups_arm.c).
 *
 * One epoll set, kept in step with what is armed: before every wait the
 * wanted list is built (no allocation: arrays sized at rescan) and
 * compared with the one registered; only the difference goes to the
 * kernel. ppoll() on every fd instead costs each wait ~0.6 us per fd to
 * register and unregister (202 fds: ~130 us; 2,000: over 1 ms, at every
 * wakeup and every tick), epoll_wait only what is ready. An fd closed and
 * reopened under the same number between two waits cannot be told apart
 * from the list: whoever does that sets rebuild (re-arming a threshold,
 * reload), or bumps the watched set's generation (a rescan that added or
 * dropped a cgroup). */
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "guard.h"
#include "outputs/log.h"

const char *wakeup_kind_to_string(enum wakeup_kind k) {
        static const char *const names[] = {
                [WAKE_TIMEOUT] = "poll interval",
                [WAKE_SIGNAL] = "signal",
                [WAKE_MACHINE_PSI] = "machine PSI trigger",
                [WAKE_V1_THRESHOLD] = "v1 usage threshold",
                [WAKE_CGROUP_PSI] = "cgroup PSI trigger",
                [WAKE_V2_EVENTS] = "memory.events change",
                [WAKE_PROC_EVENTS] = "process event",
                [WAKE_V1_OOM] = "v1 OOM event",
                [WAKE_V2_TRIPWIRE] = "memory.high tripwire",
                [WAKE_V1_PRESSURE] = "v1 memory pressure",
                [WAKE_KMSG] = "kernel log",
                [WAKE_APP_EXIT] = "the sidecar's app exited",
        };
        return names[k];
}

/* The order in which wakeups_fill adds the kinds: lists are sorted by
 * (cgroup, rank), which the comparison below relies on. */
static unsigned rank_of(enum wakeup_kind k) {
        static const unsigned ranks[] = {
                [WAKE_SIGNAL] = 0,       [WAKE_MACHINE_PSI] = 1, [WAKE_PROC_EVENTS] = 2, [WAKE_V1_OOM] = 3,
                [WAKE_V1_THRESHOLD] = 4, [WAKE_CGROUP_PSI] = 5,  [WAKE_V1_PRESSURE] = 6, [WAKE_V2_EVENTS] = 7,
                [WAKE_TIMEOUT] = 8,      [WAKE_V2_TRIPWIRE] = 9, [WAKE_KMSG] = 10,       [WAKE_APP_EXIT] = 11,
        };
        return ranks[k];
}

static uint64_t key_of(const struct wakeup *w) { return (uint64_t)(w->cgroup + 1) << 8 | rank_of(w->kind); }

/* What an epoll event carries back: the fd, its kind and its cgroup. */
static uint64_t pack(int fd, const struct wakeup *w) {
        return (uint64_t)(uint32_t)fd | (uint64_t)w->kind << 32 | (uint64_t)(uint32_t)(w->cgroup + 1) << 40;
}

struct wakeup wakeup_unpack(uint64_t data, int *ret_fd) {
        *ret_fd = (int)(uint32_t)data;
        return (struct wakeup){ .kind = (enum wakeup_kind)((data >> 32) & 0xff), .cgroup = (int)(data >> 40) - 1 };
}

static void add(struct wakeups *wk, int fd, short events, enum wakeup_kind kind, int cgroup) {
        if (fd < 0 || wk->n >= wk->cap || wk->n >= wk->cap_what)
                return;
        wk->pfds[wk->n] = (struct pollfd){ .fd = fd, .events = events };
        wk->what[wk->n] = (struct wakeup){ .kind = kind, .cgroup = cgroup };
        wk->n++;
}

static void want(struct guard *g, int signal_fd) {
        struct wakeups *wk = &g->wake;
        uint64_t now = now_ns();
        wk->n = 0;
        wk->quiet_until_ns = 0;
        add(wk, signal_fd, POLLIN, WAKE_SIGNAL, -1);
        add(wk, wk->machine_psi_fd, POLLPRI, WAKE_MACHINE_PSI, -1);
        add(wk, g->pc_fd, POLLIN, WAKE_PROC_EVENTS, -1);
        add(wk, g->reports.kmsg.fd, POLLIN, WAKE_KMSG, -1);
        if (g->sidecar && g->sidecar->program) /* its exit ticks at once: sidecar_app_follow */
                add(wk, g->sidecar->app.pidfd, POLLIN, WAKE_APP_EXIT, -1);
        for (size_t i = 0; i < g->cgroups.n; i++) {
                const struct watched_cgroup *w = &g->cgroups.items[i];
                if (w->vanished)
                        continue;
                add(wk, w->oom_fd, POLLIN, WAKE_V1_OOM, (int)i);
                add(wk, w->level_fd, POLLIN, WAKE_V1_THRESHOLD, (int)i);
                add(wk, w->psi_fd, POLLPRI, WAKE_CGROUP_PSI, (int)i);
                int chatty_fd = w->files.version == CGROUP_V2 ? w->files.fd[MEMCG_FAILCNT_OR_EVENTS] : w->pressure_fd;
                if (now >= w->chatty_quiet_until_ns) {
                        add(wk, w->pressure_fd, POLLIN, WAKE_V1_PRESSURE, (int)i);
                        if (w->files.version == CGROUP_V2)
                                add(wk, chatty_fd, POLLPRI, WAKE_V2_EVENTS, (int)i);
                } else if (chatty_fd >= 0 && (!wk->quiet_until_ns || w->chatty_quiet_until_ns < wk->quiet_until_ns)) {
                        wk->quiet_until_ns = w->chatty_quiet_until_ns;
                }
        }
}

static int ctl(struct wakeups *wk, int op, size_t i) {
        struct epoll_event ev = { .events = (uint32_t)wk->pfds[i].events,
                                  .data.u64 = pack(wk->pfds[i].fd, &wk->what[i]) };
        int r = epoll_ctl(wk->epfd, op, wk->pfds[i].fd, &ev) < 0 ? -errno : 0;
        if (r == -EEXIST && op == EPOLL_CTL_ADD)
                r = epoll_ctl(wk->epfd, EPOLL_CTL_MOD, wk->pfds[i].fd, &ev) < 0 ? -errno : 0;
        /* EPERM: a regular file (a fixture tree), which never signals. */
        if (r < 0 && r != -EPERM)
                log_warning("cannot wait on %s fd %d: %s", wakeup_kind_to_string(wk->what[i].kind), wk->pfds[i].fd,
                            strerror(-r));
        return r;
}

static int rebuild(struct wakeups *wk) {
        if (wk->has_epfd)
                close(wk->epfd);
        wk->epfd = epoll_create1(EPOLL_CLOEXEC);
        wk->has_epfd = wk->epfd >= 0;
        if (!wk->has_epfd)
                return -errno;
        for (size_t i = 0; i < wk->n; i++)
                (void)ctl(wk, EPOLL_CTL_ADD, i);
        wk->rebuild = false;
        return 0;
}

/* Registered (reg) → wanted (pfds), both sorted by key. Removals first:
 * a closed fd's number may be wanted again under another key. */
static void apply_difference(struct wakeups *wk) {
        for (int pass = 0; pass < 2; pass++) {
                size_t i = 0, j = 0;
                while (i < wk->n_reg || j < wk->n) {
                        uint64_t ki = i < wk->n_reg ? key_of(&wk->reg_what[i]) : UINT64_MAX;
                        uint64_t kj = j < wk->n ? key_of(&wk->what[j]) : UINT64_MAX;
                        bool same = ki == kj && wk->reg[i].fd == wk->pfds[j].fd;
                        if (pass == 0 && ki <= kj && !same) /* gone, or another fd: errors mean closed already */
                                (void)epoll_ctl(wk->epfd, EPOLL_CTL_DEL, wk->reg[i].fd, NULL);
                        if (pass == 1 && kj <= ki && !same)
                                (void)ctl(wk, EPOLL_CTL_ADD, j);
                        if (pass == 1 && same && wk->reg[i].events != wk->pfds[j].events)
                                (void)ctl(wk, EPOLL_CTL_MOD, j);
                        i += ki <= kj;
                        j += kj <= ki;
                }
        }
}

int wakeups_fill(struct guard *g, int signal_fd) {
        struct wakeups *wk = &g->wake;
        want(g, signal_fd);
        if (g->cgroups.generation != wk->generation_seen) {
                wk->generation_seen = g->cgroups.generation; /* fds of recreated cgroups, moved indexes */
                wk->rebuild = true;
        }
        int r = 0;
        if (!wk->has_epfd || wk->rebuild)
                r = rebuild(wk);
        else
                apply_difference(wk);
        /* This turn's list is what is registered now. */
        struct pollfd *p = wk->reg;
        struct wakeup *w = wk->reg_what;
        size_t cp = wk->cap_reg, cw = wk->cap_reg_what;
        wk->reg = wk->pfds, wk->reg_what = wk->what, wk->n_reg = wk->n;
        wk->cap_reg = wk->cap, wk->cap_reg_what = wk->cap_what;
        wk->pfds = p, wk->what = w, wk->cap = cp, wk->cap_what = cw;
        return r;
}

int wakeups_wait(struct wakeups *wk, uint64_t timeout_ns, struct epoll_event *evs, int max) {
        struct timespec ts = { .tv_sec = (time_t)(timeout_ns / NSEC_PER_SEC),
                               .tv_nsec = (long)(timeout_ns % NSEC_PER_SEC) };
        int r = epoll_pwait2(wk->epfd, evs, max, &ts, NULL);
        if (r < 0 && errno == ENOSYS) /* before 5.11: millisecond timeouts, rounded up */
                r = epoll_wait(wk->epfd, evs, max, (int)((timeout_ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC));
        return r < 0 ? -errno : r;
}

void wakeups_free(struct wakeups *wk) {
        if (wk->machine_psi_fd >= 0)
                close(wk->machine_psi_fd);
        if (wk->has_epfd)
                close(wk->epfd);
        free(wk->pfds);
        free(wk->what);
        free(wk->reg);
        free(wk->reg_what);
        free(wk->close_fds);
        *wk = (struct wakeups){ .machine_psi_fd = -1 };
}
