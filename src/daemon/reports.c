/* The forensic record, wired (see reports.h): which stage fills which
 * part of a report, and when. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guard.h"
#include "outputs/log.h"
#include "reports.h"

#define KMSG_RECORDS_PER_TURN 256
#define KERNEL_REPORTS_PER_TURN 4 /* more kills in one turn: logged, not reported */

static uint64_t realtime_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void open_kmsg(struct guard *g) {
        struct reports *rs = &g->reports;
        rs->parser = malloc(sizeof(*rs->parser));
        rs->kmsg_buf = malloc(KMSG_RECORD_MAX + 1);
        if (!rs->parser || !rs->kmsg_buf) {
                log_warning("out of memory: kernel OOM kills not recorded");
                return;
        }
        kmsg_oom_parser_init(rs->parser);
        int r = kmsg_open(g->root, &rs->kmsg);
        if (r < 0 && !g->sidecar) /* sidecar mode said so at start */
                log_info("cannot read %s/dev/kmsg (%s): kernel OOM kills are not recorded",
                         strcmp(g->root, "/") ? g->root : "", strerror(-r));
}

/* OOMGUARD_REPORT_DIR, when set, replaces report_dir: the test suites
 * keep their reports out of the machine's. Logs; retried at each write. */
static void init_store(struct guard *g) {
        struct daemon_settings d = g->policy.daemon;
        const char *env = getenv("OOMGUARD_REPORT_DIR");
        if (env && strlen(env) < sizeof(d.report_dir))
                snprintf(d.report_dir, sizeof(d.report_dir), "%s", env);
        (void)report_store_init(&g->reports.store, &d);
}

void reports_setup(struct guard *g) {
        struct reports *rs = &g->reports;
        rs->kmsg.fd = -1;
        hook_runner_init(&rs->hooks);
        rs->report = calloc(REPORTS_PENDING_MAX, sizeof(*rs->report));
        rs->json = malloc(REPORT_JSON_MAX);
        rs->scratch = malloc(REPORT_GATHER_SCRATCH);
        if (!rs->report || !rs->json || !rs->scratch) {
                log_warning("out of memory: no reports");
                reports_free(g);
                return;
        }
        init_store(g);
        if (g->policy.daemon.hook)
                (void)hook_runner_start(&rs->hooks, g->policy.daemon.hook, g->policy.daemon.hook_timeout_ns);
        open_kmsg(g);
}

void reports_reload(struct guard *g) {
        struct reports *rs = &g->reports;
        if (!rs->report)
                return;
        report_store_free(&rs->store);
        init_store(g);
        (void)hook_runner_reload(&rs->hooks, g->policy.daemon.hook, g->policy.daemon.hook_timeout_ns);
}

void reports_free(struct guard *g) {
        struct reports *rs = &g->reports;
        if (rs->report)
                report_store_free(&rs->store);
        hook_runner_stop(&rs->hooks);
        if (rs->kmsg.fd >= 0)
                kmsg_close(&rs->kmsg);
        free(rs->report);
        free(rs->json);
        free(rs->scratch);
        free(rs->parser);
        free(rs->kmsg_buf);
        *rs = (struct reports){ .kmsg = { .fd = -1 } };
}

static struct report *take_slot(struct reports *rs) {
        for (size_t i = 0; rs->report && i < REPORTS_PENDING_MAX; i++)
                if (!rs->used[i]) {
                        rs->used[i] = true;
                        return &rs->report[i];
                }
        rs->skipped++;
        return NULL;
}

struct report *reports_begin_action(struct guard *g) {
        struct reports *rs = &g->reports;
        if (!rs->report || !(rs->store.enabled || rs->hooks.fd >= 0))
                return NULL;
        struct report *r = take_slot(rs);
        if (r)
                report_begin(r, REPORT_ACTION, realtime_ns());
        return r;
}

void reports_keep(struct guard *g, struct report *r, bool keep) {
        struct reports *rs = &g->reports;
        size_t i = (size_t)(r - rs->report);
        if (!keep)
                rs->used[i] = false;
        else
                r->machine = g->snap.machine; /* at the decision */
}

/* The cgroup directory (and its memory.pressure's) of a report's cgroup. */
static void gather_args(const struct guard *g, const struct report *r, char *dir, char *psi, size_t size,
                        struct report_gather_args *a) {
        *a = (struct report_gather_args){ .root = g->root, .version = g->mounts.memory_version };
        if (!r->cgroup.has || !g->has_mounts || path_join(dir, size, g->mounts.memory_mount, r->cgroup.path) < 0)
                return;
        a->cgroup_dir = dir;
        a->psi_dir = cgroup_psi_dir(&g->mounts, r->cgroup.path, psi, size);
}

/* Writes a report that gather filled and tells the hook. */
static void write_and_hook(struct guard *g, const struct report *r) {
        struct reports *rs = &g->reports;
        char path[4096] = "";
        (void)report_store_write(&rs->store, r, rs->json, REPORT_JSON_MAX, path, sizeof(path));
        hook_notify(&rs->hooks, r, path[0] ? path : NULL);
}

void reports_flush(struct guard *g, bool read_cgroup_stats) {
        struct reports *rs = &g->reports;
        char dir[4096], psi[4096];
        struct report_gather_args a;
        for (size_t i = 0; rs->report && i < REPORTS_PENDING_MAX; i++) {
                if (!rs->used[i])
                        continue;
                struct report *r = &rs->report[i];
                gather_args(g, r, dir, psi, sizeof(dir), &a);
                a.read_cgroup_stats = read_cgroup_stats;
                (void)report_gather(r, &a, rs->scratch, REPORT_GATHER_SCRATCH);
                write_and_hook(g, r);
                rs->used[i] = false;
        }
}

/* The kernel's own kill: what /dev/kmsg said, and the cgroup and the
 * machine as they are right after. */
static void report_kernel_kill(struct guard *g, const struct kmsg_oom_event *ev, bool with_report) {
        struct reports *rs = &g->reports;
        struct report *r;
        char dir[4096], psi[4096], path[512];
        struct report_gather_args a;
        rs->kernel_kills++;
        metrics_wire_kernel_kill(g, ev->oom_memcg[0] ? ev->oom_memcg : ev->task_memcg);
        sanitize_copy(path, sizeof(path), ev->task_memcg[0] ? ev->task_memcg : "/");
        const struct log_field fields[] = { { "OOMGUARD_CGROUP", path }, { "OOMGUARD_CONSTRAINT", ev->constraint } };
        char comm[KMSG_COMM_MAX];
        sanitize_copy(comm, sizeof(comm), ev->comm);
        log_event(LOG_WARNING, MSGID_KERNEL_OOM_KILL, fields, ELEMENTSOF(fields),
                  "kernel OOM kill: pid %d (%s) in %s (%s): a miss, the kernel acted before oomguard", (int)ev->pid,
                  comm, path, ev->constraint[0] ? ev->constraint : "constraint unknown");
        if (!with_report || !rs->report || !(r = take_slot(rs)))
                return;
        report_begin(r, REPORT_KERNEL_OOM_KILL, realtime_ns());
        snprintf(r->action, sizeof(r->action), "kernel-oom-kill");
        snprintf(r->outcome, sizeof(r->outcome), "%s",
                 ev->outcome == KMSG_OOM_KILLED    ? "killed by the kernel"
                 : ev->outcome == KMSG_OOM_EXITING ? "already exiting: the kernel killed nothing"
                                                   : "reported, its kill line not seen");
        snprintf(r->reason, sizeof(r->reason), "%s", ev->message);
        r->victim = (struct report_victim){ .has = ev->pid > 0,
                                            .pid = ev->pid,
                                            .uid = ev->uid,
                                            .rss_bytes = (ev->anon_rss_kb + ev->file_rss_kb + ev->shmem_rss_kb) * 1024,
                                            .oom_score = REPORT_UNKNOWN,
                                            .oom_score_adj = ev->oom_score_adj,
                                            .gone = true };
        snprintf(r->victim.comm, sizeof(r->victim.comm), "%s", ev->comm);
        struct report_kernel *k = &r->kernel;
        snprintf(k->constraint, sizeof(k->constraint), "%s", ev->constraint);
        snprintf(k->oom_memcg, sizeof(k->oom_memcg), "%s", ev->oom_memcg);
        snprintf(k->task_memcg, sizeof(k->task_memcg), "%s", ev->task_memcg);
        k->total_vm_kb = ev->total_vm_kb, k->anon_rss_kb = ev->anon_rss_kb, k->file_rss_kb = ev->file_rss_kb;
        k->shmem_rss_kb = ev->shmem_rss_kb, k->pgtables_kb = ev->pgtables_kb;
        k->oom_score_adj = ev->oom_score_adj;
        k->kmsg_usec = ev->usec;
        /* The cgroup whose limit was hit; the victim's when that is unknown. */
        const char *cg = ev->oom_memcg[0] ? ev->oom_memcg : ev->memcg ? ev->task_memcg : "";
        if (cg[0]) {
                r->cgroup.has = true;
                snprintf(r->cgroup.path, sizeof(r->cgroup.path), "%s", cg);
        }
        gather_args(g, r, dir, psi, sizeof(dir), &a);
        a.read_cgroup_stats = true;
        (void)report_gather(r, &a, rs->scratch, REPORT_GATHER_SCRATCH);
        write_and_hook(g, r);
        rs->used[r - rs->report] = false;
}

static void take_events(struct guard *g) {
        struct reports *rs = &g->reports;
        struct kmsg_oom_event ev;
        while (kmsg_oom_parser_take(rs->parser, &ev))
                report_kernel_kill(g, &ev, rs->kernel_this_turn++ < KERNEL_REPORTS_PER_TURN);
}

void reports_read_kmsg(struct guard *g) {
        struct reports *rs = &g->reports;
        ssize_t n = 0;
        if (rs->kmsg.fd < 0)
                return;
        rs->kernel_this_turn = 0;
        /* Bounded: a printk storm or a memory.oom.group kill of hundreds
         * must not hold the loop (epoll is level-triggered: the rest is
         * read at the next turn). */
        unsigned records = 0;
        while (records++ < KMSG_RECORDS_PER_TURN &&
               (n = kmsg_read_record(&rs->kmsg, rs->kmsg_buf, KMSG_RECORD_MAX + 1)) > 0) {
                kmsg_oom_parser_feed(rs->parser, rs->kmsg_buf, (size_t)n);
                take_events(g);
        }
        if (n < 0 && n != -EAGAIN)
                log_warning("reading /dev/kmsg: %s", strerror((int)-n));
        if (rs->kmsg.lost > rs->lost_logged) {
                log_warning(
                        "/dev/kmsg: %llu records overwritten before oomguard read them: a kernel OOM kill may "
                        "be missing from the reports",
                        (unsigned long long)(rs->kmsg.lost - rs->lost_logged));
                rs->lost_logged = rs->kmsg.lost;
        }
        rs->pending_since_ns = kmsg_oom_parser_pending(rs->parser) ? (rs->pending_since_ns ?: now_ns()) : 0;
}

void reports_tick(struct guard *g, uint64_t now) {
        struct reports *rs = &g->reports;
        if (rs->parser && rs->pending_since_ns && now - rs->pending_since_ns >= NSEC_PER_SEC) {
                kmsg_oom_parser_flush(rs->parser);
                take_events(g);
                rs->pending_since_ns = 0;
        }
        rs->kernel_this_turn = 0;
        if (rs->report)
                (void)hook_runner_ensure(&rs->hooks);
}
