/* The metrics, wired (see metrics_wire.h): which stage moves which
 * counter, and when the file is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "metrics_wire.h"
#include "outputs/log.h"
#include "util.h"

_Static_assert(_ACTION_MAX <= METRICS_ACTIONS_MAX, "METRICS_ACTIONS_MAX too small");

/* A first guess of the text's size; grown to fit after a write that was cut. */
#define BUF_BASE (64 * 1024)
#define BUF_PER_CGROUP 1024

/* OOMGUARD_METRICS_FILE, when set, replaces metrics_file: the test suites
 * keep their files out of the machine's. */
const char *metrics_wire_path(const struct guard *g) {
        const char *env = getenv("OOMGUARD_METRICS_FILE");
        return env && strlen(env) < REPORT_DIR_MAX ? env : g->policy.daemon.metrics_file;
}

static void init_file(struct guard *g) { (void)metrics_file_init(&g->metrics.file, metrics_wire_path(g)); }

/* Every rule of the running policy, with its action. */
static void declare_rules(struct guard *g) {
        struct metrics_counters *c = g->metrics.counters;
        metrics_rules_begin(c);
        if (g->policy.has_global)
                metrics_rule_declare(c, g->policy.global.name, (int)g->policy.global.action);
        for (size_t i = 0; i < g->policy.n_cgroups; i++)
                metrics_rule_declare(c, g->policy.cgroups[i].name, (int)g->policy.cgroups[i].action);
}

void metrics_wire_setup(struct guard *g) {
        struct metrics_wire *m = &g->metrics;
        m->counters = malloc(sizeof(*m->counters));
        m->cap = BUF_BASE + BUF_PER_CGROUP * g->cgroups.n;
        m->buf = malloc(m->cap);
        if (!m->counters || !m->buf) {
                log_warning("out of memory: no metrics");
                metrics_wire_free(g);
                return;
        }
        metrics_counters_init(m->counters);
        declare_rules(g);
        init_file(g);
}

void metrics_wire_reload(struct guard *g) {
        struct metrics_wire *m = &g->metrics;
        if (!m->counters)
                return;
        declare_rules(g); /* the counts stay: counters never go back */
        metrics_file_free(&m->file);
        init_file(g);
        m->last_write_ns = 0; /* the new file at once */
}

void metrics_wire_free(struct guard *g) {
        struct metrics_wire *m = &g->metrics;
        metrics_file_free(&m->file);
        free(m->counters);
        free(m->buf);
        free(m->labels);
        *m = (struct metrics_wire){ .file = { .dir_fd = -1 } };
}

static enum metrics_outcome outcome_of(const struct decision *d, int r, bool dry_run) {
        if (d->action != ACTION_WARN && dry_run)
                return METRICS_DRY_RUN;
        if (r == ACTION_PENDING)
                return METRICS_PENDING;
        if (r == ACTION_RECLAIMED)
                return METRICS_RECLAIMED;
        if (r >= 0)
                return METRICS_DONE;
        return r == -ESRCH ? METRICS_NO_VICTIM : METRICS_FAILED;
}

void metrics_wire_action(struct guard *g, const struct decision *d, int r, bool dry_run) {
        if (g->metrics.counters)
                metrics_count_action(g->metrics.counters, d->rule->name, (int)d->action, outcome_of(d, r, dry_run));
}

void metrics_wire_warning(struct guard *g, const struct warning_event *e) {
        if (g->metrics.counters && e->transition != WARNING_CLEARED)
                metrics_count_warning(g->metrics.counters, e->rule, e->kind);
}

void metrics_wire_kernel_kill(struct guard *g, const char *cgroup) {
        if (g->metrics.counters)
                metrics_count_kernel_kill(g->metrics.counters, cgroup);
}

static size_t format(struct guard *g) {
        static const char *names[_ACTION_MAX];
        for (int a = 0; a < _ACTION_MAX; a++)
                names[a] = action_kind_to_string((enum action_kind)a);
        const struct metrics_input in = { .views = g->cgroups.views,
                                          .n_views = g->cgroups.n,
                                          .labels = g->metrics.labels_cap >= g->cgroups.n ? g->metrics.labels : NULL,
                                          .machine = &g->snap.machine,
                                          .counters = g->metrics.counters,
                                          .action_names = names,
                                          .n_actions = _ACTION_MAX,
                                          .version = OOMGUARD_VERSION };
        return metrics_format(&in, g->metrics.buf, g->metrics.cap);
}

/* The text, whole: a buffer that was too small grows, and so does the
 * labels' scratch (the watched cgroups outgrew them: rare, like the
 * rescan that found them). */
static int render(struct guard *g, size_t *len) {
        struct metrics_wire *m = &g->metrics;
        if (m->labels_cap < g->cgroups.n)
                (void)GROW(m->labels, m->labels_cap, g->cgroups.n); /* else made for each sample: slower */
        size_t n = format(g);
        if (n >= m->cap) {
                size_t cap = n + n / 4 + 1;
                char *b = realloc(m->buf, cap);
                if (!b)
                        return -ENOMEM;
                m->buf = b, m->cap = cap;
                n = format(g);
        }
        *len = n;
        return n < m->cap ? 0 : -ENOBUFS;
}

void metrics_wire_after_tick(struct guard *g, uint64_t start_ns, uint64_t tick_ns) {
        struct metrics_wire *m = &g->metrics;
        if (!m->counters)
                return;
        metrics_observe_tick_start(m->counters, start_ns);
        metrics_observe_tick(m->counters, tick_ns);
        uint64_t now = now_ns();
        if (!m->file.enabled || (m->last_write_ns && now - m->last_write_ns < g->policy.daemon.metrics_interval_ns))
                return;
        m->last_write_ns = now;
        size_t len;
        int r = render(g, &len);
        if (r < 0)
                log_warning("metrics: not written: %s", strerror(-r));
        else
                (void)metrics_file_write(&m->file, m->buf, len);
        metrics_tick_gap_reset(m->counters); /* each write shows its own interval's gap */
}
