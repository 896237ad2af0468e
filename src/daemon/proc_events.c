/* Dispatching process events to the stages that follow processes. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "outputs/log.h"
#include "proc_events.h"

static bool births_wanted(const struct guard *g) { return !g->births_refused && rankings_want_births(&g->rankings); }

bool proc_events_wanted(const struct guard *g) {
        return g->policy.n_supervisors > 0 ||   /* restart loops, zombie factories */
               adjuster_active(&g->adjuster) || /* [adjust:] rules: at exec */
               births_wanted(g);                /* big scopes: newcomers without listing */
}

void proc_events_open(struct guard *g) {
        g->pc_fd = -1;
        if (!g->live || !proc_events_wanted(g))
                return;
        /* For tests and for hosts where the connector misbehaves. */
        const char *off = getenv("OOMGUARD_NO_PROC_CONNECTOR");
        g->pc_fd = off && *off && strcmp(off, "0") != 0 ? -EPERM : proc_connector_open();
        g->births = (struct births){ .active = g->pc_fd >= 0, .since_ns = now_ns() };
        if (g->pc_fd < 0)
                g->births_refused = true;
        if (g->pc_fd < 0)
                log_info("no proc connector (%s): following processes by scanning /proc", strerror(-g->pc_fd));
}

void proc_events_close(struct guard *g) {
        if (g->pc_fd >= 0)
                close(g->pc_fd);
        g->pc_fd = -1;
        g->births.active = false;
}

static void on_event(const struct pc_event *ev, void *ud) {
        struct guard *g = ud;
        const struct supervise_ctx sc = context_supervise(g);
        births_on_event(&g->births, ev);
        supervise_on_event(&g->supervise, &sc, ev);
        adjust_on_event(&g->adjuster, ev);
}

void proc_events_rescan(struct guard *g) {
        const struct supervise_ctx sc = context_supervise(g);
        g->last_proc_scan_ns = now_ns();
        supervise_scan(&g->supervise, &sc, g->last_proc_scan_ns);
        supervise_tick(&g->supervise, &sc, g->last_proc_scan_ns, true);
        adjust_rescan(&g->adjuster);
}

bool proc_events_pending(const struct guard *g) {
        struct pollfd p = { .fd = g->pc_fd, .events = POLLIN };
        return g->pc_fd >= 0 && poll(&p, 1, 0) == 1;
}

void proc_events_dispatch(struct guard *g) {
        int r = proc_connector_drain(g->pc_fd, on_event, g);
        adjust_flush(&g->adjuster); /* one log line per dispatch */
        if (r == -ENOBUFS) {
                g->births.lost_ns = now_ns();
                log_warning("proc connector dropped events; rescanning /proc");
                proc_events_rescan(g);
        }
}

uint64_t proc_events_rescan_interval_ns(const struct guard *g) {
        /* Without the connector the scan is all there is: do it often. */
        return g->pc_fd >= 0 ? g->policy.daemon.rescan_interval_ns : PROC_SCAN_FALLBACK_NS;
}

const char *proc_events_mode(const struct guard *g) {
        if (!proc_events_wanted(g))
                return "not needed by the policy";
        return g->pc_fd >= 0 ? "proc connector" : "/proc scan";
}
