/* Applying [adjust:] rules to processes: at exec (proc connector events),
 * on every /proc rescan, and enforce = yes through kept fds. Every file of
 * one process is read through one /proc/PID directory fd, so a pid reused
 * midway reads as vanished instead of mixing two processes. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "adjust_internal.h"
#include "sources/cgroup_view.h"
#include "sources/procs.h"
#include "outputs/log.h"

enum { BUF_CMDLINE, BUF_EXE, BUF_CGROUP, BUF_RAW, N_BUFS };

int adjuster_init(struct adjuster *a, const struct policy *p, const char *root, const char *cgroup_controller,
                  pid_t self, bool dry_run) {
        *a = (struct adjuster){ .rules = p->adjust,
                                .n_rules = p->n_adjust,
                                .root = root,
                                .cgroup_controller = cgroup_controller,
                                .self = self,
                                .dry_run = dry_run,
                                .needs = adjust_rules_needs(p->adjust, p->n_adjust) };
        if (a->n_rules == 0)
                return 0;
        a->track_cap = ADJUST_TRACK_CAP;
        a->track = calloc(a->track_cap, sizeof(*a->track));
        a->watch = calloc(ADJUST_WATCH_MAX, sizeof(*a->watch));
        a->batch = calloc(a->n_rules, sizeof(*a->batch));
        a->buf = malloc(N_BUFS * ADJUST_BUF_SIZE);
        if (!a->track || !a->watch || !a->batch || !a->buf) {
                adjuster_free(a);
                return -ENOMEM;
        }
        return 0;
}

void adjuster_free(struct adjuster *a) {
        for (size_t i = 0; i < a->n_watch; i++)
                close(a->watch[i].fd);
        free(a->track);
        free(a->watch);
        free(a->batch);
        free(a->buf);
        *a = (struct adjuster){ 0 };
}

static char *buf_of(const struct adjuster *a, int which) { return a->buf + (size_t)which * ADJUST_BUF_SIZE; }

/* A small /proc file through the process's directory fd; a long one is
 * cut (the start of a command line is enough). NUL-terminated. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t size) {
        _cleanup_(closep) int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        size_t got = 0;
        for (ssize_t n = 1; n > 0 && got + 1 < size; got += (size_t)n)
                if ((n = read(fd, buf + got, size - 1 - got)) < 0)
                        return -errno;
        buf[got] = '\0';
        return (ssize_t)got;
}

static int read_value(int fd, int *ret) {
        char buf[16];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n < 0)
                return -errno;
        return parse_int_value(buf, (size_t)n, ret);
}

static int write_value(int fd, int value) {
        char buf[16];
        int len = snprintf(buf, sizeof(buf), "%d", value);
        return pwrite(fd, buf, (size_t)len, 0) == len ? 0 : -errno;
}

static const char *read_cmdline(const struct adjuster *a, int dirfd) {
        char *buf = buf_of(a, BUF_CMDLINE);
        ssize_t n = read_at(dirfd, "cmdline", buf, ADJUST_BUF_SIZE);
        if (n < 0)
                return NULL;
        for (ssize_t i = 0; i + 1 < n; i++)
                if (buf[i] == '\0')
                        buf[i] = ' '; /* argv joined by spaces */
        return buf;
}

/* A binary replaced on disk (a package upgrade) reads "PATH (deleted)":
 * it is still that program. */
static const char *read_exe(const struct adjuster *a, int dirfd) {
        static const char deleted[] = " (deleted)";
        char *buf = buf_of(a, BUF_EXE);
        ssize_t n = readlinkat(dirfd, "exe", buf, ADJUST_BUF_SIZE - 1);
        if (n < 0)
                return NULL;
        buf[n] = '\0';
        size_t d = sizeof(deleted) - 1;
        if ((size_t)n > d && strcmp(buf + n - d, deleted) == 0)
                buf[n - d] = '\0';
        return buf;
}

static const char *read_cgroup(const struct adjuster *a, int dirfd) {
        char *raw = buf_of(a, BUF_RAW), *path = buf_of(a, BUF_CGROUP);
        ssize_t n = read_at(dirfd, "cgroup", raw, ADJUST_BUF_SIZE);
        if (n < 0 || parse_proc_cgroup(raw, (size_t)n, a->cgroup_controller, path, ADJUST_BUF_SIZE) < 0 ||
            cgroup_view_map(a->cgroup_controller, path, ADJUST_BUF_SIZE) < 0)
                return NULL;
        return path;
}

static void read_uid(const struct adjuster *a, int dirfd, struct adjust_facts *f) {
        char *raw = buf_of(a, BUF_RAW);
        struct proc_status status;
        ssize_t n = read_at(dirfd, "status", raw, ADJUST_BUF_SIZE);
        if (n >= 0 && parse_proc_status(raw, (size_t)n, &status) == 0) {
                f->uid = status.uid;
                f->has_uid = true;
        }
}

/* Only what some rule looks at: cmdline, exe, cgroup and status cost a
 * read each. */
static void gather(const struct adjuster *a, int dirfd, const struct proc_stat *st, struct adjust_facts *f) {
        *f = (struct adjust_facts){ .comm = st->comm };
        if (a->needs & ADJUST_NEED_CMDLINE)
                f->cmdline = read_cmdline(a, dirfd);
        if (a->needs & ADJUST_NEED_EXE)
                f->exe = read_exe(a, dirfd);
        if (a->needs & ADJUST_NEED_CGROUP)
                f->cgroup = read_cgroup(a, dirfd);
        if (a->needs & ADJUST_NEED_UID)
                read_uid(a, dirfd, f);
}

/* Opens /proc/PID into *dirfd and returns the first matching rule, -1 for
 * none or a process no rule may touch (pid 1, ourselves, kernel threads,
 * zombies), -errno when it vanished. */
static int look_at(struct adjuster *a, pid_t pid, int *dirfd, struct proc_stat *st) {
        char path[32], raw[1024];
        if (pid <= 1 || pid == a->self)
                return -1;
        snprintf(path, sizeof(path), "/proc/%d", (int)pid);
        *dirfd = open_at_root(a->root, path, O_RDONLY | O_DIRECTORY);
        if (*dirfd < 0)
                return *dirfd;
        ssize_t n = read_at(*dirfd, "stat", raw, sizeof(raw));
        if (n < 0 || parse_proc_stat(raw, (size_t)n, st) < 0)
                return n < 0 ? (int)n : -ESRCH;
        if ((st->flags & PF_KTHREAD) || st->state == 'Z' || st->state == 'X')
                return -1;
        struct adjust_facts f;
        gather(a, *dirfd, st, &f);
        return adjust_first_match(a->rules, a->n_rules, &f);
}

/* "comm pid, comm pid, ..." (at most 4, then "..."). */
static void add_sample(char *buf, size_t size, const char *comm, pid_t pid) {
        char safe[16];
        size_t n = strlen(buf), commas = 0;
        for (size_t i = 0; i < n; i++)
                commas += buf[i] == ',';
        if (commas >= 4)
                return;
        sanitize_copy(safe, sizeof(safe), comm);
        if (commas == 3 && n > 0)
                snprintf(buf + n, size - n, ", ...");
        else
                snprintf(buf + n, size - n, "%s%s %d", n ? ", " : "", safe, (int)pid);
}

static void note(struct adjuster *a, int rule, const char *comm, pid_t pid, int err, bool corrected) {
        struct adjust_batch *b = &a->batch[rule];
        if (err < 0) {
                b->failed++;
                if (!b->err)
                        b->err = -err;
                add_sample(b->fail_samples, sizeof(b->fail_samples), comm, pid);
                return;
        }
        if (corrected)
                b->corrected++;
        else
                b->applied++;
        add_sample(b->samples, sizeof(b->samples), comm, pid);
}

/* enforce = yes: keep the fd so the tick re-reads it with one pread. */
static bool watch_add(struct adjuster *a, int fd, const struct proc_stat *st, int rule) {
        if (a->n_watch >= ADJUST_WATCH_MAX)
                return false; /* the rescan still corrects it */
        struct adjust_watch *w = &a->watch[a->n_watch++];
        *w = (struct adjust_watch){ .fd = fd, .pid = st->pid, .rule = (int16_t)rule, .starttime = st->starttime };
        sanitize_copy(w->comm, sizeof(w->comm), st->comm);
        return true;
}

/* Set the rule's value when it differs. known: the process was handled
 * under this rule before (enforce re-check), else it is new to it. */
static void apply(struct adjuster *a, int dirfd, const struct proc_stat *st, int rule, bool known) {
        const struct adjust_rule *r = &a->rules[rule];
        int fd = openat(dirfd, "oom_score_adj", (a->dry_run ? O_RDONLY : O_RDWR) | O_CLOEXEC), cur, err = 0;
        if (fd < 0 || read_value(fd, &cur) < 0) {
                if (fd >= 0)
                        close(fd);
                return; /* vanished */
        }
        struct adjust_track_entry *e = known ? adjust_track_find(a, st->pid, st->starttime)
                                             : adjust_track_add(a, st->pid, st->starttime, rule);
        if (cur != r->oom_score_adj) {
                err = a->dry_run ? 0 : write_value(fd, r->oom_score_adj);
                if (errno_is_vanished(err)) {
                        close(fd);
                        adjust_track_remove(a, st->pid);
                        return;
                }
                note(a, rule, st->comm, st->pid, err, known);
                if (err < 0 && e)
                        e->failed = true;
        }
        if (err < 0 || !r->enforce || a->dry_run || known || !watch_add(a, fd, st, rule))
                close(fd);
}

/* fresh: the process exec'd or changed its name or user; it is new to
 * whichever rule matches it now. Unless it was looked at in this batch:
 * /proc is read after every event of the batch happened (a fork and its
 * exec arrive together), so that look already saw the change. */
static void handle_pid(struct adjuster *a, pid_t pid, bool fresh) {
        struct proc_stat st;
        _cleanup_(closep) int dirfd = -1;
        int rule = look_at(a, pid, &dirfd, &st);
        if (rule == -1 || errno_is_vanished(rule))
                adjust_track_remove(a, pid);
        if (rule < 0)
                return;
        struct adjust_track_entry *e = adjust_track_find(a, pid, st.starttime);
        if (e && (e->rule != rule || (fresh && e->batch != a->batch_no))) {
                adjust_track_remove(a, pid); /* exec'd, or moved to another rule's cgroup */
                e = NULL;
        }
        if (e) {
                e->gen = a->gen;
                e->batch = a->batch_no;
        }
        if (!e || (a->rules[rule].enforce && !e->failed))
                apply(a, dirfd, &st, rule, e != NULL);
}

void adjust_on_event(struct adjuster *a, const struct pc_event *ev) {
        if (!adjuster_active(a) || ev->pid != ev->tgid)
                return; /* a thread's name or birth: its process is what counts */
        if (ev->kind == PC_EXIT)
                adjust_track_remove(a, ev->tgid);
        else
                handle_pid(a, ev->tgid, ev->kind != PC_FORK);
}

static int scan_visit(pid_t pid, void *userdata) {
        handle_pid(userdata, pid, false);
        return 0;
}

void adjust_rescan(struct adjuster *a) {
        if (!adjuster_active(a))
                return;
        a->gen++;
        if (procs_all(a->root, scan_visit, a) == 0)
                adjust_track_sweep(a); /* only a complete pass proves a process gone */
        adjust_flush(a);
}

/* No kernel notification exists for a process changing its own
 * oom_score_adj (procfs has no inotify, the connector no such event), so
 * this polls: one pread per watched process every ADJUST_ENFORCE_NS, on a
 * kept fd (no path lookup; a dead process reads as an error, so a reused
 * pid is never touched). */
void adjust_enforce_tick(struct adjuster *a, uint64_t now) {
        if (a->n_watch == 0 || now - a->last_enforce_ns < ADJUST_ENFORCE_NS)
                return;
        a->last_enforce_ns = now;
        for (size_t i = 0; i < a->n_watch;) {
                struct adjust_watch *w = &a->watch[i];
                int want = a->rules[w->rule].oom_score_adj, cur, r = read_value(w->fd, &cur);
                if (r == 0 && cur != want && !errno_is_vanished(r = write_value(w->fd, want)))
                        note(a, w->rule, w->comm, w->pid, r, true);
                if (r == 0) {
                        i++;
                        continue;
                }
                struct adjust_track_entry *e = adjust_track_find(a, w->pid, w->starttime);
                if (e && !errno_is_vanished(r))
                        e->failed = true; /* refused: reported once, not retried */
                close(w->fd);
                *w = a->watch[--a->n_watch];
        }
        adjust_flush(a);
}

struct list_ctx {
        struct adjuster *a;
        adjust_seen_fn fn;
        void *userdata;
};

static int list_visit(pid_t pid, void *userdata) {
        struct list_ctx *c = userdata;
        struct proc_stat st;
        char raw[16];
        _cleanup_(closep) int dirfd = -1;
        int rule = look_at(c->a, pid, &dirfd, &st), cur;
        if (rule < 0 || read_at(dirfd, "oom_score_adj", raw, sizeof(raw)) < 0 ||
            parse_int_value(raw, strlen(raw), &cur) < 0)
                return 0;
        c->fn(&(struct adjust_seen){ .pid = pid, .comm = st.comm, .rule = &c->a->rules[rule], .current = cur },
              c->userdata);
        return 0;
}

int adjust_list(struct adjuster *a, adjust_seen_fn fn, void *userdata) {
        struct list_ctx c = { a, fn, userdata };
        return adjuster_active(a) ? procs_all(a->root, list_visit, &c) : 0;
}
