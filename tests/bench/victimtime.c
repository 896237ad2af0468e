/* Benchmark helper: how long victim_choose() (liboomguard) takes.
 *   victimtime CGDIR REPS
 * Times REPS calls over the cgroup CGDIR (v1 memory cgroup: badness scaled
 * to its limit) and REPS machine-wide calls, and, for scale, the cost of
 * one open+read+close of /proc/PID/stat for every process of CGDIR and of
 * /proc/PID/oom_score for every process on the machine. Prints one line
 * per measurement: NAME median_ms=... min_ms=... max_ms=... extra. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sources/procs.h"
#include "actions/ranking.h"
#include "actions/victim.h"
#include "sources/meminfo.h"
#include "sources/memcg.h"
#include "sources/proc_connector.h"
#include "util.h"

#define MAX_PIDS 65536

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

static void report(const char *name, double *t, int n, const char *extra) {
        qsort(t, (size_t)n, sizeof(double), cmp_double);
        printf("%s median_ms=%.2f min_ms=%.2f max_ms=%.2f %s\n", name, t[n / 2], t[0], t[n - 1], extra);
        fflush(stdout);
}

static pid_t pids[MAX_PIDS];
static int npids;

static int collect(pid_t pid, void *ud) {
        (void)ud;
        if (npids < MAX_PIDS)
                pids[npids++] = pid;
        return 0;
}

/* One open+read+close of /proc/PID/NAME for each collected pid. */
static double read_each(const char *name) {
        char path[64], buf[1024];
        double t0 = now_ms();
        for (int i = 0; i < npids; i++) {
                snprintf(path, sizeof(path), "/proc/%d/%s", (int)pids[i], name);
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                (void)!read(fd, buf, sizeof(buf));
                close(fd);
        }
        return now_ms() - t0;
}

static void time_choose(const char *name, struct victim_policy *vp, const char *dir, int reps) {
        double t[64];
        struct victim v = { 0 };
        struct victim_stats st = { 0 };
        int r = 0;
        for (int i = 0; i < reps; i++) {
                double t0 = now_ms();
                r = victim_choose(vp, dir, &v, &st);
                t[i] = now_ms() - t0;
                if (r == 0)
                        victim_release(&v);
        }
        char extra[256];
        if (r == 0)
                snprintf(extra, sizeof(extra), "scanned=%u eligible=%u victim=%d(%s) score=%d", st.scanned, st.eligible,
                         (int)v.pid, v.comm, v.score);
        else
                snprintf(extra, sizeof(extra), "scanned=%u eligible=%u error=%s", st.scanned, st.eligible,
                         strerror(-r));
        report(name, t, reps, extra);
}

/* What the scope holds, read as the daemon reads it for its rankings. */
static uint64_t scope_used(const char *dir) {
        static char buf[65536];
        if (!dir) {
                struct meminfo m;
                return read_meminfo("/", &m) == 0 ? ranking_used_machine(&m) : 0;
        }
        struct memcg_files f;
        struct memcg_stats st;
        int r = memcg_open(CGROUP_V1, dir, NULL, &f);
        if (r == 0)
                r = memcg_read(&f, buf, sizeof(buf), &st);
        memcg_close(&f);
        return r == 0 ? ranking_used_memcg(&st) : 0;
}

static void on_event(const struct pc_event *ev, void *ud) { births_on_event(ud, ev); }

static int used_now(void *ud, uint64_t *ret) {
        *ret = scope_used(ud);
        return 0;
}

/* The daemon's way for big scopes: a ranking walked in the background (its
 * cost reported as walk_ms), then choices that read its candidates and the
 * newcomers only (median of reps). Without the connector the ranking does
 * not answer (answered=0: the daemon scans instead). Events are drained
 * outside the timing: the daemon's loop does that between ticks. */
static void time_ranked(const char *name, struct victim_policy *vp, const char *dir, uint64_t unit, int reps,
                        bool connector) {
        static struct ranking rk;
        static struct births b;
        int pc = connector ? proc_connector_open() : -1;
        b = (struct births){ .active = pc >= 0, .since_ns = now_ns() };
        ranking_free(&rk);
        memset(&rk, 0, sizeof(rk));
        snprintf(rk.scope, sizeof(rk.scope), "%s", dir ? dir : "");
        rk.unit_bytes = unit;
        double t0 = now_ms();
        int r = ranking_step(&rk, vp, scope_used(dir), UINT64_MAX, 0);
        double walk = now_ms() - t0;
        double t[64];
        struct victim v = { 0 };
        struct victim_stats st = { 0 };
        int ok = 0;
        for (int i = 0; i < reps; i++) {
                if (pc >= 0 && proc_connector_drain(pc, on_event, &b) == -ENOBUFS)
                        b.lost_ns = now_ns();
                double t1 = now_ms();
                r = ranking_choose(&rk, vp, now_ns(), pc >= 0 ? &b : NULL, used_now, (void *)dir, &v, &st);
                t[i] = now_ms() - t1;
                if (r == 0) {
                        ok++;
                        victim_release(&v);
                }
        }
        char extra[256];
        if (pc >= 0)
                close(pc);
        snprintf(extra, sizeof(extra),
                 "connector=%s walk_ms=%.2f answered=%d/%d candidates=%u of=%u victim=%d(%s) score=%d",
                 pc >= 0 ? "yes" : "no", walk, ok, reps, st.scanned, st.ranked_of, ok ? (int)v.pid : 0,
                 ok ? v.comm : "-", ok ? v.score : 0);
        report(name, t, reps, extra);
}

int main(int argc, char **argv) {
        if (argc < 3) {
                fprintf(stderr, "usage: victimtime CGDIR REPS\n");
                return 2;
        }
        const char *dir = argv[1];
        int reps = atoi(argv[2]);
        if (reps < 1 || reps > 64)
                reps = 5;
        char path[4096], buf[64];
        snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", dir);
        FILE *f = fopen(path, "r");
        if (!f || !fgets(buf, sizeof(buf), f)) {
                perror(path);
                return 1;
        }
        fclose(f);
        struct victim_policy vp = {
                .root = "/", .self = getpid(), .cgroup_controller = "memory", .scope_bytes = strtoull(buf, NULL, 10)
        };
        time_choose("choose_cgroup", &vp, dir, reps);
        time_ranked("ranked_cgroup", &vp, dir, vp.scope_bytes, reps, true);
        vp.scope_bytes = 0;
        time_choose("choose_machine", &vp, NULL, reps);
        struct meminfo m;
        uint64_t machine = read_meminfo("/", &m) == 0 ? m.mem_total + m.swap_total : 0;
        time_ranked("ranked_machine", &vp, NULL, machine, reps, true);

        double t[64];
        char extra[64];
        npids = 0;
        procs_in_cgroup(dir, collect, NULL);
        for (int i = 0; i < reps; i++)
                t[i] = read_each("stat");
        snprintf(extra, sizeof(extra), "pids=%d", npids);
        report("read_stat_cgroup", t, reps, extra);
        npids = 0;
        procs_all("/", collect, NULL);
        for (int i = 0; i < reps; i++)
                t[i] = read_each("oom_score");
        snprintf(extra, sizeof(extra), "pids=%d", npids);
        report("read_oom_score_machine", t, reps, extra);
        return 0;
}
