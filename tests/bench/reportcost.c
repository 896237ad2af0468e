/* The report files' tool for tests and benchmarks (liboomguard):
 *   reportcost write DIR COUNT [MAX_FILES [MAX_BYTES]]
 *       COUNT reports (the unit tests' fixture, 1 ms apart) through the
 *       store, as the guard writes them; prints "written W dropped D
 *       removed R" and exits 0 whatever failed (a full disk costs a
 *       warning on stderr, never the writer).
 *   reportcost fixtures DIR
 *       the reports of tests/fixtures/reports/ (fixed ids and times).
 *   reportcost gather NPROCS REPS DIR [CGDIR]
 *       forks NPROCS sleepers, then REPS times gathers a machine-wide
 *       report (one sleeper as the victim, its tree, the top, counts) and
 *       writes it; prints gather_ms / write_ms / total_ms medians, the
 *       processes seen and the JSON size. With CGDIR (a memory cgroup's
 *       directory, v1 or v2), the sleepers join it and it is the scope. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#include "outputs/log.h"
#include "outputs/report_store.h"
#include "report_fixture.h"
#include "sources/meminfo.h"

#define T0 UINT64_C(1796120553123000000) /* 2026-12-01T10:22:33.123Z */

static char json[REPORT_JSON_MAX], scratch[REPORT_GATHER_SCRATCH], path[REPORT_DIR_MAX + 128];
static struct report r;

static int open_store(struct report_store *s, const char *dir, unsigned files, uint64_t bytes) {
        struct daemon_settings d = { .report_max_files = files, .report_max_bytes = bytes };
        snprintf(d.report_dir, sizeof(d.report_dir), "%s", dir);
        return report_store_init(s, &d);
}

static int cmd_write(int argc, char **argv) {
        struct report_store s;
        unsigned long n = strtoul(argv[3], NULL, 10);
        open_store(&s, argv[2], argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 1000,
                   argc > 5 ? strtoull(argv[5], NULL, 10) : UINT64_C(64) << 20);
        unsigned long dropped = 0;
        for (unsigned long i = 0; i < n; i++) {
                fixture_report(&r, T0 + i * 1000000);
                dropped += report_store_write(&s, &r, json, sizeof(json), path, sizeof(path)) < 0;
        }
        printf("written %lu dropped %lu removed %lu\n", s.written, dropped, s.removed);
        report_store_free(&s);
        return 0;
}

/* Three kinds, fixed: the fixture kill; a kernel OOM kill of a process
 * with a hostile name; a warning on the machine, nothing known. */
static int cmd_fixtures(char **argv) {
        struct report_store s;
        if (open_store(&s, argv[2], 1000, UINT64_C(64) << 20) < 0)
                return 1;
        fixture_report(&r, T0);
        snprintf(r.id, sizeof(r.id), "20261201T102233.123Z-4711-0001");
        report_store_write(&s, &r, json, sizeof(json), path, sizeof(path));
        fixture_report(&r, T0 + 1500 * 1000000ULL);
        r.kind = REPORT_KERNEL_OOM_KILL;
        snprintf(r.id, sizeof(r.id), "20261201T102234.623Z-4711-0002");
        r.rule[0] = r.reason[0] = r.wakeup[0] = '\0';
        snprintf(r.action, sizeof(r.action), "kernel-kill");
        snprintf(r.outcome, sizeof(r.outcome), "killed by the kernel: a miss");
        snprintf(r.victim.comm, sizeof(r.victim.comm),
                 "evil\x1b[2J\xc2\x9b"
                 "31m\xff");
        snprintf(r.kernel.constraint, sizeof(r.kernel.constraint), "CONSTRAINT_MEMCG");
        snprintf(r.kernel.oom_memcg, sizeof(r.kernel.oom_memcg), "/web");
        snprintf(r.kernel.task_memcg, sizeof(r.kernel.task_memcg), "/web/app");
        r.kernel.total_vm_kb = 2097152;
        r.kernel.anon_rss_kb = 245760;
        r.kernel.file_rss_kb = 1024;
        r.n_candidates = 0;
        r.has_freed = false;
        r.identity = (struct cgroup_identity){ .pod_uid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", .qos = "burstable" };
        report_store_write(&s, &r, json, sizeof(json), path, sizeof(path));
        report_begin(&r, REPORT_WARNING, T0 + 60000 * 1000000ULL);
        snprintf(r.id, sizeof(r.id), "20261201T102333.123Z-4711-0003");
        snprintf(r.rule, sizeof(r.rule), "global");
        snprintf(r.action, sizeof(r.action), "warn");
        snprintf(r.reason, sizeof(r.reason), "MemAvailable 4.1%% < 5.0%%");
        report_store_write(&s, &r, json, sizeof(json), path, sizeof(path));
        report_store_free(&s);
        return s.written == 3 ? 0 : 1;
}

static double ms_since(const struct timespec *a) {
        struct timespec b;
        clock_gettime(CLOCK_MONOTONIC, &b);
        return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

#define REPS_MAX 1000

static int cmd_gather(char **argv) {
        int n = atoi(argv[2]), reps = atoi(argv[3]);
        static double g[REPS_MAX], w[REPS_MAX], t[REPS_MAX];
        pid_t *kids = calloc((size_t)n + 1, sizeof(pid_t));
        if (!kids || reps < 1 || reps > REPS_MAX)
                return 1;
        const char *cg = argv[5];
        for (int i = 0; i < n; i++)
                if ((kids[i] = fork()) == 0) {
                        char pid[16];
                        snprintf(pid, sizeof(pid), "%d", (int)getpid());
                        if (cg && write_file_at(cg, "/cgroup.procs", pid) < 0)
                                _exit(1);
                        alarm(600);
                        pause();
                        _exit(0);
                }
        struct report_store s;
        open_store(&s, argv[4], 1000, UINT64_C(64) << 20);
        char probe[64];
        bool v1 = cg && read_file_at(cg, "/memory.usage_in_bytes", probe, sizeof(probe)) > 0;
        struct report_gather_args a = { .root = "/", .cgroup_dir = cg, .version = v1 ? CGROUP_V1 : CGROUP_V2 };
        int size = 0;
        for (int i = 0; i < reps; i++) {
                struct timespec t0, t1;
                report_begin(&r, REPORT_ACTION, T0);
                r.victim = (struct report_victim){ .has = true, .pid = kids[i % n], .ppid = getpid() };
                r.machine.has_mem = read_meminfo("/", &r.machine.mem) == 0;
                if ((r.cgroup.has = cg != NULL)) {
                        snprintf(r.cgroup.path, sizeof(r.cgroup.path), "/reportcost");
                        r.cgroup.stats.version = a.version;
                }
                clock_gettime(CLOCK_MONOTONIC, &t0);
                report_gather(&r, &a, scratch, sizeof(scratch));
                g[i] = ms_since(&t0);
                clock_gettime(CLOCK_MONOTONIC, &t1);
                report_store_write(&s, &r, json, sizeof(json), path, sizeof(path));
                w[i] = ms_since(&t1);
                t[i] = g[i] + w[i];
                size = report_json(&r, json, sizeof(json));
        }
        for (int i = 0; i < n; i++)
                kill(kids[i], SIGKILL);
        while (wait(NULL) > 0)
                ;
        qsort(g, (size_t)reps, sizeof(double), cmp_double);
        qsort(w, (size_t)reps, sizeof(double), cmp_double);
        qsort(t, (size_t)reps, sizeof(double), cmp_double);
        printf("report gather_ms=%.2f write_ms=%.2f total_ms=%.2f total_max_ms=%.2f processes=%u json_bytes=%d "
               "tree=%zu top=%zu\n",
               g[reps / 2], w[reps / 2], t[reps / 2], t[reps - 1], r.scope_processes, size, r.n_tree, r.n_top);
        report_store_free(&s);
        free(kids);
        return 0;
}

int main(int argc, char **argv) {
        log_setup(LOG_TARGET_STDERR, false);
        if (argc >= 4 && strcmp(argv[1], "write") == 0)
                return cmd_write(argc, argv);
        if (argc == 3 && strcmp(argv[1], "fixtures") == 0)
                return cmd_fixtures(argv);
        if ((argc == 5 || argc == 6) && strcmp(argv[1], "gather") == 0)
                return cmd_gather(argv);
        fprintf(stderr,
                "usage: reportcost write DIR COUNT [MAX_FILES [MAX_BYTES]] | fixtures DIR | "
                "gather NPROCS REPS DIR [CGDIR]\n");
        return 2;
}
