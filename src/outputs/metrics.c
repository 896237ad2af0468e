/* The Prometheus text exposition format (version 0.0.4) of one metrics
 * write: pure, into the caller's buffer. Families in a fixed order, each
 * with HELP and TYPE; base units (bytes, seconds, ratios 0..1). A cgroup
 * without a limit has no limit sample: +Inf would poison every sum and
 * difference a dashboard makes of it, and 0 (cAdvisor's choice) would
 * lie; `usage / limit` then simply has no series for it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "outputs/metrics.h"
#include "sources/cgroup_identity.h"
#include "util.h"

struct out {
        char *buf;
        size_t size, len;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...) {
        va_list ap;
        size_t room = o->len < o->size ? o->size - o->len : 0;
        va_start(ap, fmt);
        int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n > 0)
                o->len += (size_t)n;
}

/* The length of the valid UTF-8 sequence at s, 0 when it is not one
 * (overlong, a surrogate, past U+10FFFF, cut short). */
static size_t utf8_len(const unsigned char *s) {
        unsigned char c = s[0];
        size_t n;
        uint32_t cp, min;
        if (c < 0x80)
                return 1;
        if ((c & 0xe0) == 0xc0)
                n = 2, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
                n = 3, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
                n = 4, cp = c & 0x07, min = 0x10000;
        else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0 : n;
}

/* The escaped text of the character at p: *ret_piece, its length
 * returned; *ret_in: the bytes of p it stands for. */
static size_t escape_piece(const unsigned char *p, const char **ret_piece, size_t *ret_in) {
        size_t in = utf8_len(p);
        *ret_piece = (const char *)p;
        *ret_in = in;
        if (*p == '\\' || *p == '"' || *p == '\n') {
                *ret_piece = *p == '\\' ? "\\\\" : *p == '"' ? "\\\"" : "\\n";
                return 2;
        }
        if (!in) { /* not UTF-8: U+FFFD, one per byte */
                *ret_piece = "\xef\xbf\xbd";
                *ret_in = 1;
                return 3;
        }
        return in;
}

size_t metrics_escape_label(const char *s, char *out, size_t size) {
        size_t len = 0, in, n;
        const char *piece;
        for (const unsigned char *p = (const unsigned char *)s; *p; p += in) {
                n = escape_piece(p, &piece, &in);
                if (len + n >= size)
                        break;
                memcpy(out + len, piece, n);
                len += n;
        }
        out[len] = '\0';
        return len;
}

/* The cost of a write is its strings: copied, not through printf. */
static void put_mem(struct out *o, const char *s, size_t n) {
        size_t room = o->len + 1 < o->size ? o->size - o->len - 1 : 0; /* one byte kept for the NUL */
        if (n && room)
                memcpy(o->buf + o->len, s, n < room ? n : room); /* cut: what fits, as snprintf */
        o->len += n;
}

static void put_str(struct out *o, const char *s) { put_mem(o, s, strlen(s)); }

static void put_u64(struct out *o, uint64_t v) {
        char d[24], *p = d + sizeof(d);
        do
                *--p = (char)('0' + v % 10);
        while (v /= 10);
        put_mem(o, p, (size_t)(d + sizeof(d) - p));
}

/* A plain run (no escape, ASCII) is copied at once. */
static void put_escaped(struct out *o, const char *s) {
        const unsigned char *p = (const unsigned char *)s;
        while (*p) {
                const unsigned char *run = p;
                while (*p >= 0x20 && *p < 0x80 && *p != '\\' && *p != '"')
                        p++;
                put_mem(o, (const char *)run, (size_t)(p - run));
                if (!*p)
                        break;
                const char *piece;
                size_t in, n = escape_piece(p, &piece, &in);
                put_mem(o, piece, n);
                p += in;
        }
}

static void put_label(struct out *o, const char *sep, const char *name, const char *value) {
        put_str(o, sep);
        put_str(o, name);
        put_mem(o, "=\"", 2);
        put_escaped(o, value);
        put_mem(o, "\"", 1);
}

/* cgroup="/a/b", then container="ID" and pod="UID" when the path says. */
static void put_cgroup_labels(struct out *o, const char *path) {
        struct cgroup_identity id;
        put_label(o, "", "cgroup", path);
        if (!cgroup_identity_parse(path, &id))
                return;
        if (id.container_id[0])
                put_label(o, ",", "container", id.container_id);
        if (id.pod_uid[0])
                put_label(o, ",", "pod", id.pod_uid);
}

static void family(struct out *o, const char *name, const char *type, const char *help) {
        put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

enum cg_metric { CG_USAGE, CG_LIMIT, CG_WORKING_SET, CG_FAILCNT, CG_PSI_SOME, CG_PSI_FULL, CG_TTL, _CG_MAX };

static const struct {
        const char *name, *type, *help;
} cg_families[_CG_MAX] = {
        [CG_USAGE] = { "oomguard_cgroup_memory_usage_bytes", "gauge",
                       "Memory charged to the cgroup (v1 memory.usage_in_bytes, v2 memory.current)." },
        [CG_LIMIT] = { "oomguard_cgroup_memory_limit_bytes", "gauge",
                       "The cgroup's memory limit (v1 memory.limit_in_bytes, v2 memory.max); absent when unlimited." },
        [CG_WORKING_SET] = { "oomguard_cgroup_memory_working_set_bytes", "gauge",
                             "Usage less inactive file cache, what oomguard's percentages are of." },
        [CG_FAILCNT] = { "oomguard_cgroup_memory_failcnt_total", "counter",
                         "Times the limit was hit (v1 memory.failcnt, v2 memory.events.local max)." },
        [CG_PSI_SOME] = { "oomguard_cgroup_memory_pressure_some_ratio", "gauge",
                          "Share of the last 10 s some tasks stalled on memory (PSI some avg10, 0..1)." },
        [CG_PSI_FULL] = { "oomguard_cgroup_memory_pressure_full_ratio", "gauge",
                          "Share of the last 10 s all tasks stalled on memory (PSI full avg10, 0..1)." },
        [CG_TTL] = { "oomguard_cgroup_memory_time_to_limit_seconds", "gauge",
                     "Forecast time until the working set's trend reaches the limit; absent when none." },
};

/* The sample's value: false when it has none. A whole number in *u, or
 * a ratio in *ratio (*is_ratio). */
static bool cg_value(enum cg_metric m, const struct cgroup_view *v, uint64_t *u, double *ratio, bool *is_ratio) {
        const struct memcg_stats *s = &v->stats;
        *is_ratio = m == CG_PSI_SOME || m == CG_PSI_FULL;
        switch (m) {
        case CG_USAGE:
                return *u = s->usage, true;
        case CG_LIMIT:
                return *u = s->limit, s->limit != BYTES_UNLIMITED;
        case CG_WORKING_SET:
                return *u = v->d.working_set, true;
        case CG_FAILCNT:
                return *u = s->failcnt, true;
        case CG_PSI_SOME:
                return *ratio = s->psi.some.avg10 / 100, s->has_psi;
        case CG_PSI_FULL:
                return *ratio = s->psi.full.avg10 / 100, s->has_psi && s->psi.has_full;
        case CG_TTL: /* whole seconds: a forecast is not better than that */
                return *u = v->d.time_to_limit_s >= 0 ? (uint64_t)(v->d.time_to_limit_s + 0.5) : 0,
                       v->d.time_to_limit_s >= 0;
        case _CG_MAX:
                break;
        }
        return false;
}

/* A view's labels: copied from where they were written whole before,
 * else made (and where they are remembered, when they fit). */
static void put_view_labels(struct out *o, const struct metrics_input *in, size_t i) {
        struct metrics_label_ref *ref = in->labels ? &in->labels[i] : NULL;
        if (ref && ref->len) {
                put_mem(o, o->buf + ref->off, ref->len);
                return;
        }
        size_t start = o->len;
        put_cgroup_labels(o, in->views[i].path);
        if (ref && o->len < o->size && o->len - start <= UINT32_MAX && start <= UINT32_MAX)
                *ref = (struct metrics_label_ref){ .off = (uint32_t)start, .len = (uint32_t)(o->len - start) };
}

static void put_cgroups(struct out *o, const struct metrics_input *in) {
        uint64_t u = 0;
        double ratio = 0;
        bool is_ratio;
        for (size_t i = 0; in->labels && i < in->n_views; i++)
                in->labels[i].len = 0;
        for (int m = 0; m < _CG_MAX; m++) {
                family(o, cg_families[m].name, cg_families[m].type, cg_families[m].help);
                for (size_t i = 0; i < in->n_views; i++) {
                        const struct cgroup_view *v = &in->views[i];
                        if (!v->valid || !v->path || !cg_value((enum cg_metric)m, v, &u, &ratio, &is_ratio))
                                continue;
                        put_str(o, cg_families[m].name);
                        put_mem(o, "{", 1);
                        put_view_labels(o, in, i);
                        put_mem(o, "} ", 2);
                        if (is_ratio)
                                put(o, "%.4f\n", ratio);
                        else {
                                put_u64(o, u);
                                put_mem(o, "\n", 1);
                        }
                }
        }
}

static void put_machine(struct out *o, const struct machine_view *mv) {
        family(o, "oomguard_machine_memory_available_bytes", "gauge", "MemAvailable of /proc/meminfo.");
        if (mv && mv->has_mem)
                put(o, "oomguard_machine_memory_available_bytes %llu\n", (unsigned long long)mv->mem.mem_available);
        family(o, "oomguard_machine_swap_free_bytes", "gauge", "SwapFree of /proc/meminfo.");
        if (mv && mv->has_mem)
                put(o, "oomguard_machine_swap_free_bytes %llu\n", (unsigned long long)mv->mem.swap_free);
        family(o, "oomguard_machine_memory_pressure_some_ratio", "gauge",
               "Share of the last 10 s some tasks stalled on memory (/proc/pressure/memory some avg10, 0..1).");
        if (mv && mv->has_psi)
                put(o, "oomguard_machine_memory_pressure_some_ratio %.4f\n", mv->psi.some.avg10 / 100);
        family(o, "oomguard_machine_memory_pressure_full_ratio", "gauge",
               "Share of the last 10 s all tasks stalled on memory (/proc/pressure/memory full avg10, 0..1).");
        if (mv && mv->has_psi && mv->psi.has_full)
                put(o, "oomguard_machine_memory_pressure_full_ratio %.4f\n", mv->psi.full.avg10 / 100);
}

/* The rules in the table, then "(other)" when something was folded. */
static const struct metrics_rule *rule_at(const struct metrics_counters *c, size_t i) {
        if (i < c->n_rules)
                return &c->rules[i];
        return i == c->n_rules && c->rules[METRICS_RULES_MAX - 1].name[0] ? &c->rules[METRICS_RULES_MAX - 1] : NULL;
}

static void put_actions(struct out *o, const struct metrics_input *in) {
        const struct metrics_counters *c = in->counters;
        family(o, "oomguard_actions_total", "counter",
               "Runs of a rule's action by outcome (done, pending, no-victim, failed, dry-run); a warn rule's "
               "reminders count.");
        const struct metrics_rule *r;
        for (size_t i = 0; (r = rule_at(c, i)); i++)
                for (size_t a = 0; a < in->n_actions && a < METRICS_ACTIONS_MAX; a++)
                        for (int k = 0; k < _METRICS_OUTCOME_MAX; k++) {
                                if (!r->actions[a][k] && r->action != (int)a)
                                        continue;
                                put(o, "oomguard_actions_total{");
                                put_label(o, "", "rule", r->name);
                                put_label(o, ",", "action", in->action_names[a]);
                                put_label(o, ",", "outcome", metrics_outcome_to_string((enum metrics_outcome)k));
                                put(o, "} %llu\n", (unsigned long long)r->actions[a][k]);
                        }
        family(o, "oomguard_warnings_total", "counter",
               "Early warnings fired (a new episode or a worse one) by rule and kind (leak, failcnt, high, oom).");
        for (size_t i = 0; (r = rule_at(c, i)); i++)
                for (int k = 0; k < _WARNING_KIND_MAX; k++) {
                        if (!r->warnings[k] && r->action < 0)
                                continue;
                        put(o, "oomguard_warnings_total{");
                        put_label(o, "", "rule", r->name);
                        put_label(o, ",", "kind", warning_kind_to_string((enum warning_kind)k));
                        put(o, "} %llu\n", (unsigned long long)r->warnings[k]);
                }
}

static void put_kernel(struct out *o, const struct metrics_counters *c) {
        family(o, "oomguard_kernel_oom_kills_total", "counter",
               "Kernel OOM kills seen in /dev/kmsg since oomguard started, by the cgroup whose limit was hit.");
        for (size_t i = 0; i <= c->n_kernel; i++) {
                const struct metrics_kernel_kills *e = i < c->n_kernel ? &c->kernel[i]
                                                                       : &c->kernel[METRICS_KERNEL_CGROUPS_MAX - 1];
                if (i == c->n_kernel && !e->cgroup[0])
                        break;
                put(o, "oomguard_kernel_oom_kills_total{");
                if (strcmp(e->cgroup, METRICS_OTHER) == 0)
                        put_label(o, "", "cgroup", e->cgroup);
                else
                        put_cgroup_labels(o, e->cgroup);
                put(o, "} %llu\n", (unsigned long long)e->kills);
        }
}

static void put_ticks(struct out *o, const struct metrics_counters *c) {
        const char *n = "oomguard_tick_duration_seconds";
        uint64_t cum = 0;
        family(o, n, "histogram", "Time one tick took: read, decide, act (a kill waits for its victim).");
        for (size_t i = 0; i < METRICS_TICK_BUCKETS; i++) {
                cum += c->tick_buckets[i];
                put(o, "%s_bucket{le=\"%g\"} %llu\n", n, metrics_tick_bounds[i], (unsigned long long)cum);
        }
        put(o, "%s_bucket{le=\"+Inf\"} %llu\n", n, (unsigned long long)c->tick_count);
        put(o, "%s_sum %.9f\n%s_count %llu\n", n, c->tick_sum_s, n, (unsigned long long)c->tick_count);
        family(o, "oomguard_tick_gap_max_seconds", "gauge",
               "The longest time between the starts of two consecutive ticks since the file was last written.");
        put(o, "oomguard_tick_gap_max_seconds %.6f\n", (double)c->tick_gap_max_ns / 1e9);
}

size_t metrics_format(const struct metrics_input *in, char *buf, size_t size) {
        struct out o = { .buf = buf, .size = size };
        family(&o, "oomguard_build_info", "gauge", "Always 1: the version of the running oomguard.");
        put(&o, "oomguard_build_info{");
        put_label(&o, "", "version", in->version ? in->version : "");
        put(&o, "} 1\n");
        put_machine(&o, in->machine);
        put_cgroups(&o, in);
        if (in->counters) {
                put_actions(&o, in);
                put_kernel(&o, in->counters);
                put_ticks(&o, in->counters);
        }
        if (size)
                buf[o.len < size ? o.len : size - 1] = '\0';
        return o.len;
}
