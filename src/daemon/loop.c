/* The foreground loop. Signals arrive through a signalfd so that every
 * wakeup source is one fd in one epoll set with the kernel event fds (PSI
 * triggers, memcg eventfds; wakeups.c). */
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "context.h"
#include "loop.h"
#include "outputs/log.h"
#include "outputs/notify.h"
#include "pid1.h"
#include "proc_events.h"
#include "reload.h"
#include "self_protect.h"
#include "sources/triggers.h"
#include "tick.h"

/* Blocked, they wait for the signalfd. As PID 1 (pid1.h) also SIGCHLD,
 * for the orphans; and there a signal neither handled nor blocked is
 * dropped by the kernel, so main blocks them before the set-up too. */
int loop_block_signals(sigset_t *mask) {
        sigemptyset(mask);
        sigaddset(mask, SIGHUP);
        sigaddset(mask, SIGTERM);
        sigaddset(mask, SIGINT);
        if (pid1_is())
                sigaddset(mask, SIGCHLD);
        return sigprocmask(SIG_BLOCK, mask, NULL) < 0 ? -errno : 0;
}

static int signals_open(void) {
        sigset_t mask;
        int r = loop_block_signals(&mask);
        if (r < 0)
                return r;
        int fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        return fd < 0 ? -errno : fd;
}

/* Returns 1 to stop, 0 to go on; *reloaded after a SIGHUP (a tick
 * follows; a SIGCHLD's reaping wants none). */
static int handle_signals(int fd, struct guard *g, const struct loop_options *o, bool *reloaded) {
        struct signalfd_siginfo si;
        while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo == SIGHUP) {
                        g->wake.arm_since_ns = now_ns(); /* "armed: ..." says how long the reload took */
                        wakeups_release_slow(g);         /* the reload disarms every cgroup */
                        reload_policy(g, o->config_path);
                        *reloaded = true;
                } else if (si.ssi_signo == SIGCHLD) {
                        (void)pid1_reap(g, &g->pid1_reap_more); /* only PID 1 takes it */
                } else {
                        log_info("received %s, stopping", strsignal((int)si.ssi_signo));
                        return 1;
                }
        }
        return 0;
}

static void announce(const struct guard *g) {
        log_info(
                "guarding: %zu cgroup rules, %zu cgroups watched, [global] %s, %zu supervisor and %zu adjust rules, "
                "mode %s, interval %llums",
                g->policy.n_cgroups, g->cgroups.n, g->policy.has_global ? "on" : "off", g->policy.n_supervisors,
                g->policy.n_adjust, context_actuator(g)->name,
                (unsigned long long)(g->policy.daemon.interval_ns / NSEC_PER_MSEC));
        notify_status("watching %zu cgroups (%s)", g->cgroups.n, context_actuator(g)->name);
}

/* After a chatty wakeup (v1 vmpressure: every few hundred pages of
 * reclaim; v2 memory.events: every change, up to 100 a second per file,
 * a storm of "high" while throttled) the cgroup's fd rests this long: at
 * most 10 ticks a second from one cgroup; what changes meanwhile is read
 * by the next tick. */
#define CHATTY_QUIET_NS (100 * NSEC_PER_MSEC)
/* And all of them together tick at most this often: a hundred cgroups
 * in reclaim at once must not make a thousand ticks a second. */
#define CHATTY_MIN_GAP_NS (20 * NSEC_PER_MSEC)

static bool is_chatty(enum wakeup_kind k) { return k == WAKE_V1_PRESSURE || k == WAKE_V2_EVENTS; }

static uint64_t chatty_gap_left(uint64_t last_tick) {
        uint64_t since = now_ns() - last_tick;
        return since < CHATTY_MIN_GAP_NS ? CHATTY_MIN_GAP_NS - since : 0;
}

/* A tick, timed for the metrics, which are written after it (when due). */
static void timed_tick(struct guard *g) {
        uint64_t t0 = now_ns();
        tick_run(g, true);
        metrics_wire_after_tick(g, t0, now_ns() - t0);
        /* A dead metrics_listen process is spawned again here, outside
         * the tick: no fork or exec there. */
        (void)metrics_server_ensure(&g->metrics_server);
}

/* Events taken per wait; more stay ready for the next (level-triggered). */
#define LOOP_EVENTS 64

/* Which source woke us; eventfds are drained so they can fire again.
 * Returns false when only process events or signals did (no reason to
 * tick early: the loop ticks after a reload);
 * *signal when the signalfd is readable, *chatty_only when every memory
 * event was a chatty one. */
static bool note_wakeup(struct guard *g, const struct epoll_event *evs, int r, bool *signal, bool *chatty_only) {
        bool memory = r <= 0;
        *chatty_only = r > 0;
        g->last_wake = (struct wakeup){ .kind = WAKE_TIMEOUT, .cgroup = -1 };
        for (int i = 0; i < r; i++) {
                int fd;
                struct wakeup w = wakeup_unpack(evs[i].data.u64, &fd);
                bool on_cgroup = w.cgroup >= 0 && (size_t)w.cgroup < g->cgroups.n;
                if (w.kind == WAKE_V1_THRESHOLD || w.kind == WAKE_V1_OOM || w.kind == WAKE_V1_PRESSURE)
                        trigger_drain_eventfd(fd);
                if (w.kind == WAKE_CGROUP_PSI && on_cgroup)
                        g->cgroups.items[w.cgroup].psi_woke = true;
                if (is_chatty(w.kind) && on_cgroup)
                        g->cgroups.items[w.cgroup].chatty_quiet_until_ns = now_ns() + CHATTY_QUIET_NS;
                if (w.kind == WAKE_SIGNAL) {
                        *signal = true; /* a tick only if it was a reload (the loop says) */
                        continue;
                }
                if (w.kind == WAKE_MACHINE_PSI) /* seen even when an OOM explains the tick */
                        g->machine_psi_woke = true;
                if (w.kind == WAKE_PROC_EVENTS) {
                        proc_events_dispatch(g);
                        continue; /* not a memory event: does not explain the tick */
                }
                if (w.kind == WAKE_KMSG) {
                        reports_read_kmsg(g); /* the kernel's kills, recorded; nothing to decide */
                        continue;
                }
                if (w.cgroup >= 0 && !on_cgroup)
                        continue; /* registered before a rescan shrank the set */
                memory = true;
                *chatty_only &= is_chatty(w.kind);
                /* An OOM (tasks waiting) explains the tick before anything else. */
                if (g->last_wake.kind == WAKE_TIMEOUT || g->last_wake.kind == WAKE_SIGNAL || w.kind == WAKE_V1_OOM)
                        g->last_wake = w;
        }
        return memory;
}

/* What is left of the poll period since the last tick; the watchdog is
 * fed at least every half of its period, and a resting vmpressure eventfd
 * is waited on again when its rest ends (not at the next tick, which may
 * be `interval` away). */
static uint64_t timeout_of(const struct guard *g, uint64_t last_tick, uint64_t wd_period) {
        uint64_t now = now_ns(), ns = tick_timeout_ns(g), since = now - last_tick;
        ns = since < ns ? ns - since : 0;
        if (g->wake.quiet_until_ns) {
                uint64_t rest = g->wake.quiet_until_ns > now ? g->wake.quiet_until_ns - now : 0;
                ns = rest < ns ? rest : ns;
        }
        return wd_period && ns > wd_period / 2 ? wd_period / 2 : ns;
}

/* Up to the first tick: orphans, wakeups armed, the first full snapshot. */
static void start_guarding(struct guard *g) {
        if (pid1_is()) /* zombies inherited across the exec: their SIGCHLD came before ours */
                (void)pid1_reap(g, &g->pid1_reap_more);
        guard_arm(g);
        announce(g);
        g->wake.arm_since_ns = now_ns();
        timed_tick(g);  /* first look at once; arms the cgroups */
        notify_ready(); /* after the first full snapshot: `systemctl start` returns guarded */
}

/* A chatty event that came too soon after a tick waits for the gap's end. */
struct deferral {
        bool pending;
        struct wakeup wake; /* what it was: the tick it waits for says so */
};

/* Whether to tick now. A host's fork/exec stream must not drive the
 * tick, nor many cgroups' chatty events (theirs rest meanwhile). Not a
 * pure query: it defers a chatty wakeup into d, and when the deferred
 * one is due it takes it back (g->last_wake) for the tick it returns. */
static bool tick_now(struct guard *g, struct deferral *d, bool memory, bool chatty_only, uint64_t now,
                     uint64_t last_tick) {
        if (memory && chatty_only && now - last_tick < CHATTY_MIN_GAP_NS) {
                memory = false;
                if (!d->pending)
                        d->wake = g->last_wake;
                d->pending = true;
        }
        bool due = now - last_tick >= tick_timeout_ns(g) || (d->pending && now - last_tick >= CHATTY_MIN_GAP_NS);
        if (!memory && !due)
                return false;
        if (d->pending && !memory && g->last_wake.kind == WAKE_TIMEOUT)
                g->last_wake = d->wake; /* its cgroup is read in full */
        d->pending = false;
        return true;
}

int loop_run(struct guard *g, const struct loop_options *o) {
        if (o->lock_memory && self_protect(g->sidecar != NULL) < 0)
                return -ENOMEM;
        _cleanup_(closep) int sfd = signals_open();
        if (sfd < 0)
                return log_error_errno(sfd, "cannot set up signal handling: %m");
        uint64_t wd_period = notify_watchdog_period_ns(), wd_last = 0;
        start_guarding(g);
        uint64_t last_tick = now_ns();
        struct epoll_event evs[LOOP_EVENTS];
        struct deferral deferred = { 0 };
        for (uint64_t ticks = 1; !o->max_ticks || ticks < o->max_ticks;) {
                if (g->pid1_reap_more) /* orphans left over: no SIGCHLD will say so */
                        (void)pid1_reap(g, &g->pid1_reap_more);
                int r = wakeups_fill(g, sfd);
                if (r < 0)
                        return log_error_errno(r, "cannot set up the wait: %m");
                uint64_t timeout = timeout_of(g, last_tick, wd_period);
                if (deferred.pending) /* a chatty event waits for the gap's end, not longer */
                        timeout = min_u64(timeout, chatty_gap_left(last_tick));
                r = wakeups_wait(&g->wake, timeout, evs, LOOP_EVENTS);
                if (r < 0 && r != -EINTR)
                        return log_error_errno(r, "wait failed: %m");
                bool signal = false, reloaded = false, chatty_only;
                bool memory = note_wakeup(g, evs, r, &signal, &chatty_only);
                if (signal && handle_signals(sfd, g, o, &reloaded))
                        break;
                if (reloaded) { /* the new policy looks at once, and says why */
                        memory = true;
                        chatty_only = false;
                        if (g->last_wake.kind == WAKE_TIMEOUT)
                                g->last_wake = (struct wakeup){ .kind = WAKE_SIGNAL, .cgroup = -1 };
                }
                uint64_t now = now_ns();
                if (tick_now(g, &deferred, memory, chatty_only, now, last_tick)) {
                        timed_tick(g);
                        last_tick = now;
                        ticks++;
                }
                if (wd_period && now - wd_last >= wd_period / 2) {
                        notify_watchdog();
                        wd_last = now;
                }
        }
        notify_stopping();
        wakeups_release_slow(g); /* closing PSI triggers one by one waits ~15 ms each */
        return 0;
}
