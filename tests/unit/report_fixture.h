/* A report with every part filled, for the report tests (JSON, parse,
 * store, the fixture files of tests/t-report.sh). */
#pragma once

#include <stdio.h>
#include <string.h>

#include "outputs/report.h"
#include "util.h"

/* kind, a fresh id and time as report_begin() sets them, then a kill in a v1
 * cgroup: victim, candidates, stats, tree, top, freed. The strings hold
 * what JSON must escape: quotes, a backslash, a newline; and UTF-8. */
static inline void fixture_report(struct report *r, uint64_t time_ns) {
        report_begin(r, REPORT_ACTION, time_ns);
        snprintf(r->rule, sizeof(r->rule), "web");
        snprintf(r->action, sizeof(r->action), "kill");
        snprintf(r->reason, sizeof(r->reason), "working set 97.6%% of limit 256.0MiB >= 90.0%%");
        snprintf(r->outcome, sizeof(r->outcome), "killed");
        snprintf(r->wakeup, sizeof(r->wakeup), "v1 usage threshold on /web/app");
        snprintf(r->hostname, sizeof(r->hostname), "node-7");
        struct report_victim *v = &r->victim;
        *v = (struct report_victim){ .has = true,
                                     .pid = 4711,
                                     .ppid = 800,
                                     .uid = 1000,
                                     .state = 'R',
                                     .rss_bytes = 251658240,
                                     .swap_bytes = 0,
                                     .oom_score = 812,
                                     .oom_score_adj = 0,
                                     .start_time_ticks = 123456,
                                     .start_time_ns = UINT64_C(1796120401000000000),
                                     .gone = true };
        snprintf(v->comm, sizeof(v->comm), "java");
        snprintf(v->cmdline, sizeof(v->cmdline), "java -Xmx200m -Dname=\"a\\b\"\n caf\xc3\xa9 end");
        struct report_cgroup *c = &r->cgroup;
        c->has = true;
        snprintf(c->path, sizeof(c->path), "/web/app");
        c->stats = (struct memcg_stats){
                .version = CGROUP_V1,
                .usage = 268173312,
                .limit = 268435456,
                .high = BYTES_UNLIMITED,
                .swap_usage = 0,
                .swap_limit = BYTES_UNLIMITED,
                .failcnt = 1234,
                .oom = 0,
                .oom_kill = 0,
                .has_psi = true,
                .psi = { .some = { 12.3, 5.1, 1.2, 987654 }, .full = { 8, 3.25, 0.5, 123 }, .has_full = true }
        };
        c->derived = (struct cgroup_derived){ .working_set = 262144000,
                                              .pct_of_limit = 97.66,
                                              .failcnt_rate = 12.5,
                                              .has_rates = true,
                                              .time_to_limit_s = 93600 };
        const char *keys[] = { "cache", "rss", "mapped_file", "inactive_file", "total_rss" };
        for (size_t i = 0; i < 5; i++) {
                snprintf(c->stat[i].key, sizeof(c->stat[i].key), "%s", keys[i]);
                c->stat[i].value = (i + 1) * 4096;
        }
        c->n_stat = 5;
        snprintf(c->events[0].key, sizeof(c->events[0].key), "oom_kill_disable");
        snprintf(c->events[1].key, sizeof(c->events[1].key), "under_oom");
        snprintf(c->events[2].key, sizeof(c->events[2].key), "oom_kill");
        c->n_events = 3;
        c->usage_after = 10690560;
        c->has_usage_after = true;
        snprintf(r->identity.runtime, sizeof(r->identity.runtime), "docker");
        snprintf(r->identity.container_id, sizeof(r->identity.container_id), "4f1c2a");
        struct machine_view *m = &r->machine;
        m->has_mem = m->has_psi = m->has_zones = m->has_vmstat = true;
        m->mem = (struct meminfo){
                .mem_total = 8306814976, .mem_available = 1288490188, .swap_total = 0, .swap_free = 0
        };
        m->psi = (struct psi){ .some = { 1.5, 0.75, 0.25, 4242 }, .full = { 0, 0, 0, 7 }, .has_full = true };
        m->zones.n_zones = 2;
        m->zones.zones[0] = (struct zone_watermarks){
                .node = 0, .name = "DMA32", .free_pages = 50000, .min = 3000, .low = 3700, .high = 4400, .managed = 1
        };
        m->zones.zones[1] = (struct zone_watermarks){
                .node = 0, .name = "Normal", .free_pages = 9000, .min = 8000, .low = 10000, .high = 12000, .managed = 1
        };
        m->worst_watermark = WATERMARK_LOW;
        m->vm.oom_kill = 3;
        r->has_mem_after = true;
        r->mem_available_after = 1530000000;
        r->has_tasks = true;
        r->tasks = (struct task_counts){ .processes = 3, .threads = 23, .dstate = 1, .zombies = 0 };
        r->scope_processes = 2;
        r->top[0] = (struct report_proc){ .pid = 4712,
                                          .ppid = 1,
                                          .comm = "worker",
                                          .state = 'S',
                                          .rss_bytes = 1048576,
                                          .oom_score = 670,
                                          .oom_score_adj = 0 };
        r->top[1] = (struct report_proc){ .pid = 4713,
                                          .ppid = 1,
                                          .comm = "x) R 1 (y",
                                          .state = 'S',
                                          .rss_bytes = 8192,
                                          .oom_score = REPORT_UNKNOWN,
                                          .oom_score_adj = REPORT_UNKNOWN };
        r->n_top = 2;
        r->candidates[0] = (struct report_candidate){
                .pid = 4711, .comm = "java", .score = 1112, .why = "oom_score 812, prefer comm:^java$ +300"
        };
        r->candidates[1] =
                (struct report_candidate){ .pid = 4712, .comm = "worker", .score = 670, .why = "oom_score 670" };
        r->n_candidates = 2;
        r->tree[0] = (struct report_proc){ .pid = 1,
                                           .ppid = 0,
                                           .comm = "systemd",
                                           .state = 'S',
                                           .rss_bytes = 12582912,
                                           .relation = REPORT_REL_ANCESTOR };
        r->tree[1] = (struct report_proc){ .pid = 800,
                                           .ppid = 1,
                                           .comm = "bash",
                                           .state = 'S',
                                           .rss_bytes = 2097152,
                                           .relation = REPORT_REL_ANCESTOR };
        r->tree[2] = (struct report_proc){ .pid = 4711,
                                           .ppid = 800,
                                           .comm = "java",
                                           .state = 'X',
                                           .rss_bytes = 251658240,
                                           .relation = REPORT_REL_VICTIM };
        r->tree[3] = (struct report_proc){ .pid = 4712,
                                           .ppid = 1,
                                           .comm = "worker",
                                           .state = 'S',
                                           .rss_bytes = 1048576,
                                           .relation = REPORT_REL_GROUP };
        r->n_tree = 4;
        r->has_freed = true;
        r->freed_bytes = (int64_t)c->stats.usage - (int64_t)c->usage_after;
        r->gather_ns = 1234567;
}
