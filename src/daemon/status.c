/* --status: read the machine and the cgroups twice, STATUS_GAP_NS apart
 * (rates are differences), order the cgroups by how close each is to its
 * limit, and hand one read-only view to the printers (outputs/). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions/adjust.h"
#include "outputs/log.h"
#include "proc_events.h"
#include "status.h"
#include "tick.h"

struct adjust_rows {
        struct status_adjust_row *rows;
        size_t n, cap;
};

static void add_adjust_row(const struct adjust_seen *seen, void *ud) {
        struct adjust_rows *a = ud;
        if (GROW(a->rows, a->cap, a->n + 1) < 0)
                return; /* --status only: a shorter list */
        struct status_adjust_row *r = &a->rows[a->n++];
        *r = (struct status_adjust_row){ .pid = seen->pid,
                                         .rule = seen->rule->name,
                                         .current = seen->current,
                                         .wanted = seen->rule->oom_score_adj,
                                         .enforce = seen->rule->enforce };
        snprintf(r->comm, sizeof(r->comm), "%s", seen->comm);
}

/* One reading of everything: the guard's tick (machine, watched cgroups,
 * the policy's decisions; it acts on nothing) and the other cgroups. */
static void read_all(struct guard *g, struct status_set *s) {
        tick_run(g, false);
        status_set_read(s, g->scratch, GUARD_SCRATCH_SIZE);
}

/* Valid before vanished, then the highest percent of limit (no limit
 * last), then by path. */
static int compare_rows(const void *pa, const void *pb) {
        const struct cgroup_view *a = ((const struct status_row *)pa)->cg, *b = ((const struct status_row *)pb)->cg;
        if (a->valid != b->valid)
                return a->valid ? -1 : 1;
        double x = a->valid ? a->d.pct_of_limit : -1, y = b->valid ? b->d.pct_of_limit : -1;
        if (x != y)
                return x > y ? -1 : 1;
        return strcmp(a->path, b->path);
}

/* The guard's watched cgroups and the set's, ordered. */
static struct status_row *make_rows(const struct guard *g, const struct status_set *s, size_t *ret_n) {
        size_t n = g->cgroups.n + s->n;
        struct status_row *rows = calloc(n + 1, sizeof(*rows));
        if (!rows)
                return NULL;
        for (size_t i = 0; i < g->cgroups.n; i++) {
                const struct cgroup_view *v = &g->cgroups.views[i];
                rows[i].cg = v;
                rows[i].rule = v->rule_index >= 0 ? g->policy.cgroups[v->rule_index].name : NULL;
        }
        for (size_t i = 0; i < s->n; i++)
                rows[g->cgroups.n + i].cg = &s->items[i].view;
        qsort(rows, n, sizeof(*rows), compare_rows);
        *ret_n = n;
        return rows;
}

/* A non-root --status under /proc hidepid= sees only its own processes:
 * said, not shown as empty cgroups. Asked of the kernel: can we read
 * /proc/1/stat (init's, root's)? NULL when we can. */
static const char *hidden_processes(const char *root, char *buf, size_t size) {
        char stat[512];
        uid_t uid = geteuid();
        if (uid == 0 || read_file_at(root, "/proc/1/stat", stat, sizeof(stat)) >= 0)
                return NULL;
        snprintf(buf, size,
                 "only uid %u's own: /proc hides other users' processes (hidepid), so their counts, sizes and "
                 "the biggest are missing; run as root to see them",
                 (unsigned)uid);
        return buf;
}

int status_show(struct guard *g, const struct status_options *o) {
        struct status_set s = { 0 };
        int r = status_set_build(&s, g);
        if (r < 0)
                log_warning("not every cgroup could be listed: %s", strerror(-r));
        proc_events_open(g); /* to say which mode the daemon would use */
        read_all(g, &s);
        struct timespec ts = { 0, (long)STATUS_GAP_NS };
        nanosleep(&ts, NULL);
        read_all(g, &s);
        size_t n = 0;
        struct status_row *rows = make_rows(g, &s, &n);
        if (!rows) {
                status_set_free(&s);
                log_error("--status: out of memory");
                return 1;
        }
        size_t shown = o->all || n < STATUS_TOP ? n : STATUS_TOP;
        for (size_t i = 0; i < shown; i++)
                status_row_tasks(g, &rows[i]);
        struct adjust_rows a = { 0 };
        char hidden[256];
        if (o->adjust)
                (void)adjust_list(&g->adjuster, add_adjust_row, &a);
        const struct status_view v = {
                .root = g->root,
                .mounts = g->has_mounts ? &g->mounts : NULL,
                .process_events = proc_events_mode(g),
                .hidden = hidden_processes(g->root, hidden, sizeof(hidden)),
                .config = o->config,
                .default_config = o->default_config,
                .sidecar = o->sidecar,
                .machine = &g->snap.machine,
                .rows = rows,
                .n_rows = shown,
                .n_total = n,
                .policy = &g->policy,
                .decisions = g->decisions,
                .n_decisions = g->n_decisions,
                .adjust = o->adjust,
                .adjust_rows = a.rows,
                .n_adjust_rows = a.n,
        };
        if (o->json)
                status_print_json(&v, stdout);
        else
                status_print_text(&v, stdout);
        free(a.rows);
        free(rows);
        status_set_free(&s);
        if (fflush(stdout) != 0 || ferror(stdout)) {
                log_error("--status: cannot write the output: %m");
                return 1;
        }
        return 0;
}
