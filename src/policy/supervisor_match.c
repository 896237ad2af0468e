/* Which [supervisor:] rule names a process; the supervisor above a victim
 * (see policy/supervisor_match.h). */
#include <stdio.h>
#include <string.h>

#include "policy/supervisor_match.h"
#include "util.h"

#define ANCESTRY_MAX 32

struct ancestor {
        struct proc_stat st;
        struct proc_status status;
        char cgroup[1024];
        char cmdline[1024];
        char exe[1024]; /* "" unless a rule looks at it */
};

static bool rules_need_exe(const struct supervisor_query *q) {
        for (size_t i = 0; i < q->n_rules; i++)
                if (matcher_list_fields(&q->rules[i].match) & (1u << MATCH_EXE))
                        return true;
        return false;
}

static int read_ancestor(const struct supervisor_query *q, pid_t pid, struct ancestor *a) {
        if (read_proc_stat(q->root, pid, &a->st) < 0 || read_proc_status(q->root, pid, &a->status) < 0 ||
            read_proc_cgroup(q->root, pid, q->cgroup_controller, a->cgroup, sizeof(a->cgroup)) < 0)
                return -ESRCH;
        (void)read_proc_cmdline(q->root, pid, a->cmdline, sizeof(a->cmdline));
        a->exe[0] = '\0';
        if (rules_need_exe(q))
                (void)read_proc_exe(q->root, pid, a->exe, sizeof(a->exe));
        return 0;
}

/* A supervisor has children; a line of cgroup globs only (what the old
 * "cgroup = GLOB" key was) must not make every process in the cgroup
 * one. */
static bool has_children(const char *root, pid_t pid) {
        char path[64], buf[32];
        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
        ssize_t n = read_file_at(root, path, buf, sizeof(buf));
        return n > 0 || n == -ENOBUFS;
}

static bool cgroup_globs_only(const struct matcher *m) {
        for (size_t i = 0; i < m->n_terms; i++)
                if (m->terms[i].field != MATCH_CGROUP || m->terms[i].kind != MATCH_GLOB)
                        return false;
        return true;
}

static const struct supervisor_rule *rule_for(const struct supervisor_query *q, const struct ancestor *a,
                                              bool *ret_any) {
        struct proc_facts f = { .comm = a->st.comm,
                                .cmdline = a->cmdline,
                                .cgroup = a->cgroup,
                                .exe = a->exe[0] ? a->exe : NULL,
                                .uid = a->status.uid,
                                .has_uid = true };
        for (size_t i = 0; i < q->n_rules; i++) {
                const struct supervisor_rule *r = &q->rules[i];
                for (size_t j = 0; j < r->match.n; j++) {
                        const struct matcher *m = &r->match.items[j];
                        if (matcher_match(m, &f) && (!cgroup_globs_only(m) || has_children(q->root, a->st.pid)))
                                return r;
                }
        }
        *ret_any = q->restarted && q->restarted(a->st.pid, a->st.starttime, q->ud);
        return NULL;
}

const struct supervisor_rule *supervisor_rule_match(const struct supervisor_query *q, pid_t pid,
                                                    struct proc_stat *ret_st) {
        struct ancestor a;
        bool restarted = false;
        if (pid <= 1 || read_ancestor(q, pid, &a) < 0)
                return NULL;
        const struct supervisor_rule *r = rule_for(q, &a, &restarted);
        if (r && a.status.ns_pid == 1 && !r->container_init)
                return NULL;
        if (ret_st)
                *ret_st = a.st;
        return r;
}

int supervisor_of(const struct supervisor_query *q, pid_t victim, pid_t *ret_pid, uint64_t *ret_start,
                  const struct supervisor_rule **ret_rule) {
        struct ancestor a;
        char victim_cgroup[1024];
        if (read_ancestor(q, victim, &a) < 0)
                return -ESRCH;
        snprintf(victim_cgroup, sizeof(victim_cgroup), "%s", a.cgroup);
        for (int depth = 0; depth < ANCESTRY_MAX; depth++) {
                pid_t parent = a.st.ppid;
                if (parent <= 1 || read_ancestor(q, parent, &a) < 0)
                        return -ENOENT; /* the host's init is never a supervisor to kill */
                if (strcmp(a.cgroup, victim_cgroup) != 0)
                        return -ENOENT; /* supervisors outside the cgroup are someone else's */
                bool restarted = false;
                const struct supervisor_rule *r = rule_for(q, &a, &restarted);
                if (!r && !restarted)
                        continue;
                if (a.status.ns_pid == 1 && !(r && r->container_init))
                        return -ENOENT; /* a container's init only when the rule says so */
                *ret_pid = parent;
                *ret_start = a.st.starttime;
                *ret_rule = r;
                return 0;
        }
        return -ENOENT;
}
