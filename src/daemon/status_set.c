/* --status: the limited cgroups no rule watches. Found by one walk of the
 * whole memory hierarchy, a cgroup's own limit read once to decide; the
 * chosen ones are opened and read like watched cgroups
 * (sources/memcg_files.c, snapshot/derive.c). Not the hot path. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "outputs/log.h"
#include "sources/kv.h"
#include "sources/procs.h"
#include "status.h"
#include "util.h"

struct build_ctx {
        struct status_set *set;
        const struct guard *g;
        const char **watched; /* the guard's cgroup paths, sorted */
        size_t n_watched;
};

static int compare_paths(const void *a, const void *b) {
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* memory.limit_in_bytes (v1) or memory.max (v2) below "no limit". */
static bool has_own_limit(const struct cgroup_mounts *m, const char *dir) {
        char buf[64];
        uint64_t v;
        bool v1 = m->memory_version == CGROUP_V1;
        ssize_t n = read_file_at(dir, v1 ? "/memory.limit_in_bytes" : "/memory.max", buf, sizeof(buf));
        if (n < 0 || parse_u64_or_max(buf, (size_t)n, &v) < 0)
                return false; /* the root cgroup (no memory.max), or gone */
        return (v1 ? memcg_v1_normalize_limit(v) : v) != BYTES_UNLIMITED;
}

static int add(struct status_set *s, const struct cgroup_mounts *m, const char *rel, const char *dir) {
        char psi[PATH_MAX];
        struct memcg_files files;
        int r = memcg_open(m->memory_version, dir, cgroup_psi_dir(m, rel, psi, sizeof(psi)), &files);
        if (r < 0)
                return errno_is_vanished(r) ? 0 : log_error_errno(r, "cannot open cgroup %s: %m", rel);
        char *path = strdup(rel);
        if (!path || GROW(s->items, s->cap, s->n + 1) < 0) {
                memcg_close(&files);
                free(path);
                return -ENOMEM;
        }
        s->items[s->n++] = (struct status_cgroup){ .path = path, .files = files };
        return 0;
}

static int visit(const char *rel, void *ud) {
        struct build_ctx *c = ud;
        const struct cgroup_mounts *m = &c->g->mounts;
        char dir[PATH_MAX];
        if (bsearch(&rel, c->watched, c->n_watched, sizeof(*c->watched), compare_paths))
                return 0; /* the guard reads it */
        if (path_join(dir, sizeof(dir), m->memory_mount, rel) < 0 || !has_own_limit(m, dir))
                return 0;
        return add(c->set, m, rel, dir);
}

int status_set_build(struct status_set *s, const struct guard *g) {
        if (!g->has_mounts)
                return 0;
        struct build_ctx c = { .set = s, .g = g, .n_watched = g->cgroups.n };
        c.watched = calloc(c.n_watched + 1, sizeof(*c.watched));
        if (!c.watched)
                return -ENOMEM;
        for (size_t i = 0; i < g->cgroups.n; i++)
                c.watched[i] = g->cgroups.items[i].path;
        qsort(c.watched, c.n_watched, sizeof(*c.watched), compare_paths);
        int r = cgroup_tree_walk(g->root, &g->mounts, "/", 0, visit, &c);
        free(c.watched);
        return r;
}

void status_set_read(struct status_set *s, char *scratch, size_t size) {
        for (size_t i = 0; i < s->n; i++) {
                struct status_cgroup *c = &s->items[i];
                struct cgroup_view *v = &c->view;
                uint64_t now = now_ns();
                *v = (struct cgroup_view){ .path = c->path, .rule_index = -1, .d = { .time_to_limit_s = -1 } };
                if (memcg_read(&c->files, scratch, size, &v->stats) < 0) {
                        c->has_prev = false; /* removed meanwhile: shown as vanished */
                        continue;
                }
                v->valid = true;
                cgroup_derive(c->has_prev ? &c->prev : NULL, c->prev_ns, &v->stats, now, &v->d);
                c->prev = v->stats;
                c->prev_ns = now;
                c->has_prev = true;
        }
}

void status_set_free(struct status_set *s) {
        for (size_t i = 0; i < s->n; i++) {
                memcg_close(&s->items[i].files);
                free(s->items[i].path);
        }
        free(s->items);
        *s = (struct status_set){ 0 };
}

struct tally {
        const char *root;
        uint64_t page_size;
        struct status_row *row;
};

static int tally_process(pid_t pid, void *ud) {
        struct tally *t = ud;
        struct proc_stat st;
        if (read_proc_stat(t->root, pid, &st) < 0)
                return 0; /* gone meanwhile */
        task_counts_add(&t->row->tasks, &st);
        struct status_process *b = &t->row->biggest;
        uint64_t rss = st.rss_pages * t->page_size;
        if (!b->pid || rss > b->rss) {
                b->pid = pid;
                b->rss = rss;
                snprintf(b->comm, sizeof(b->comm), "%s", st.comm);
        }
        return 0;
}

/* One pass over its processes: /proc/PID/stat has the state, the thread
 * count and the resident pages (the same count as VmRSS). */
void status_row_tasks(const struct guard *g, struct status_row *row) {
        char dir[PATH_MAX];
        long page = sysconf(_SC_PAGESIZE);
        struct tally t = { .root = g->root, .page_size = page > 0 ? (uint64_t)page : 4096, .row = row };
        row->tasks = (struct task_counts){ 0 };
        row->biggest = (struct status_process){ 0 };
        row->has_tasks = g->has_mounts && path_join(dir, sizeof(dir), g->mounts.memory_mount, row->cg->path) == 0 &&
                         procs_in_cgroup(dir, tally_process, &t) == 0;
}
