/* The metrics file's cost (liboomguard), as the guard pays it after a tick:
 *   metricscost NCG REPS DIR
 *       NCG watched cgroups named as the kubelet names a pod's container
 *       (cgroup, container and pod labels: the longest lines), with PSI
 *       and a forecast, 20 rules' counters, 100 kernel kills; REPS times
 *       the text is formatted (metrics_format) and written to
 *       DIR/oomguard.prom (temp + rename, metrics_file_write). Prints
 *       "format F ms, write W ms (p50; max M ms), S bytes, buffer B KiB". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/log.h"
#include "outputs/metrics.h"
#include "outputs/metrics_file.h"
#include "util.h"

static int cmp(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static struct cgroup_view *make_views(size_t n) {
        struct cgroup_view *v = calloc(n, sizeof(*v));
        for (size_t i = 0; v && i < n; i++) {
                char *p = malloc(256);
                snprintf(p, 256,
                         "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%08zx_6b1d_4b3a_9c1e_"
                         "2a4f6d8e0b1c.slice/cri-containerd-%064zx.scope",
                         i, i * 7919);
                v[i] = (struct cgroup_view){ .path = p,
                                             .valid = true,
                                             .d = { .time_to_limit_s = i % 2 ? 86400.0 : -1 } };
                v[i].stats = (struct memcg_stats){ .usage = (i + 1) << 20, .limit = 1ULL << 30, .failcnt = i };
                v[i].stats.has_psi = true;
                v[i].stats.psi = (struct psi){ .some = { .avg10 = 1.5 }, .full = { .avg10 = 0.5 }, .has_full = true };
                v[i].d.working_set = i << 19;
        }
        return v;
}

static void fill_counters(struct metrics_counters *c) {
        char name[64];
        metrics_counters_init(c);
        metrics_rules_begin(c);
        for (int i = 0; i < 20; i++) {
                snprintf(name, sizeof(name), "rule-%d", i);
                metrics_rule_declare(c, name, 1);
                metrics_count_action(c, name, 1, METRICS_DONE);
        }
        for (int i = 0; i < 100; i++) {
                snprintf(name, sizeof(name), "/kubepods.slice/pod-%d", i);
                metrics_count_kernel_kill(c, name);
        }
        for (int i = 0; i < 1000; i++)
                metrics_observe_tick(c, (uint64_t)i * 1000);
}

int main(int argc, char **argv) {
        if (argc != 4) {
                fprintf(stderr, "usage: metricscost NCG REPS DIR\n");
                return 2;
        }
        size_t n = strtoul(argv[1], NULL, 10), reps = strtoul(argv[2], NULL, 10), cap = 64 * 1024;
        static const char *const actions[] = { "warn", "kill", "kill-cgroup", "reclaim", "stop" };
        static struct metrics_counters c;
        struct machine_view m = { .has_mem = true, .has_psi = true };
        struct metrics_file f;
        char path[4096];
        log_setup(LOG_TARGET_STDERR, false);
        snprintf(path, sizeof(path), "%s/oomguard.prom", argv[3]);
        struct cgroup_view *v = make_views(n);
        double *fmt = calloc(reps, sizeof(double)), *wr = calloc(reps, sizeof(double));
        char *buf = malloc(cap);
        if (!v || !fmt || !wr || !buf || !reps || metrics_file_init(&f, path) < 0)
                return 1;
        fill_counters(&c);
        struct metrics_label_ref *labels = calloc(n, sizeof(*labels));
        if (!labels)
                return 1;
        const struct metrics_input in = { v, n, labels, &m, &c, actions, ELEMENTSOF(actions), OOMGUARD_VERSION };
        size_t len = 0;
        for (size_t i = 0; i < reps; i++) {
                uint64_t t0 = now_ns();
                while ((len = metrics_format(&in, buf, cap)) >= cap) /* as the daemon grows it */
                        buf = realloc(buf, cap = len + len / 4 + 1);
                uint64_t t1 = now_ns();
                if (metrics_file_write(&f, buf, len) < 0)
                        return 1;
                fmt[i] = (double)(t1 - t0) / 1e6, wr[i] = (double)(now_ns() - t1) / 1e6;
        }
        qsort(fmt, reps, sizeof(double), cmp);
        qsort(wr, reps, sizeof(double), cmp);
        printf("format %.2f ms, write %.2f ms (p50; max %.2f ms), %zu bytes, buffer %zu KiB\n", fmt[reps / 2],
               wr[reps / 2], fmt[reps - 1] + wr[reps - 1], len, cap / 1024);
        metrics_file_free(&f);
        return 0;
}
