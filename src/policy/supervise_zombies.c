/* Zombie factories: a parent holding more than zombies_above unreaped
 * children is a finding (the rule's zombie_action: kill it so init reaps
 * them, or warn). Suspects come from exit events; without the connector
 * a /proc pass finds them. */
#include <stdio.h>
#include <string.h>

#include "sources/procs.h"
#include "supervise_internal.h"
#include "util.h"

struct zcount {
        const char *root;
        unsigned zombies;
};

static int count_zombie(pid_t pid, void *ud) {
        struct zcount *z = ud;
        struct proc_stat st;
        if (read_proc_stat(z->root, pid, &st) == 0 && st.state == 'Z')
                z->zombies++;
        return 0;
}

/* Children of a parent's main thread from /proc/PID/task/PID/children. */
static unsigned zombie_children(const char *root, pid_t parent) {
        char path[64], buf[16384];
        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)parent, (int)parent);
        ssize_t n = read_file_at(root, path, buf, sizeof(buf));
        if (n == -ENOBUFS)
                n = (ssize_t)sizeof(buf) - 1;
        if (n <= 0)
                return 0;
        struct zcount z = { .root = root };
        long carry = 0;
        for (ssize_t i = 0; i < n; i++)
                if (buf[i] == ' ')
                        buf[i] = '\n';
        parse_pid_list(buf, (size_t)n, &carry, count_zombie, &z);
        return z.zombies;
}

static void check_parent(const struct supervise_ctx *c, pid_t parent) {
        struct proc_stat pst;
        const struct supervisor_rule *r = supervisor_rule_match(&c->query, parent, &pst);
        if (!r || !r->zombies_above)
                return;
        unsigned z = zombie_children(c->query.root, parent);
        if (z <= r->zombies_above)
                return;
        struct supervisor_finding f = { .kind = FINDING_ZOMBIE_FACTORY,
                                        .rule = r,
                                        .target = { .pid = parent, .start = pst.starttime } };
        memcpy(f.target.comm, pst.comm, sizeof(f.target.comm));
        snprintf(f.what, sizeof(f.what), "holds %u zombie children (zombies_above %u)", z, r->zombies_above);
        (void)c->act(c->act_ud, &f);
}

struct suspect_pass {
        struct supervise_state *s;
        const char *root;
};

static int suspect_if_zombie(pid_t pid, void *ud) {
        const struct suspect_pass *p = ud;
        struct proc_stat st;
        if (read_proc_stat(p->root, pid, &st) == 0 && st.state == 'Z' && st.ppid > 1)
                supervise_add_suspect(p->s, st.ppid);
        return 0;
}

void supervise_tick(struct supervise_state *s, const struct supervise_ctx *c, uint64_t now, bool scan) {
        if (!s->restarts || !supervise_wants_events(c))
                return;
        if (scan) {
                struct suspect_pass p = { s, c->query.root };
                procs_all(c->query.root, suspect_if_zombie, &p);
        }
        if (s->n_suspects == 0 || now - s->last_zombie_check_ns < ZOMBIE_CHECK_NS)
                return;
        s->last_zombie_check_ns = now;
        for (size_t i = 0; i < s->n_suspects; i++)
                check_parent(c, s->zombie_suspects[i]);
        s->n_suspects = 0;
}
