/* Zombie factories: a parent holding more than zombies_above unreaped
 * children is killed (init then reaps them) or reported. Suspects come
 * from exit events; without the connector a /proc pass finds them. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "actions/family.h"
#include "actions/procs.h"
#include "daemon/guard.h"
#include "daemon/supervise.h"
#include "daemon/supervise_act.h"
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

static void check_parent(struct guard *g, pid_t parent) {
        const struct supervisor_query q = supervise_query(g);
        struct proc_stat pst;
        const struct supervisor_rule *r = supervisor_rule_match(&q, parent, &pst);
        if (!r || !r->zombies_above)
                return;
        unsigned z = zombie_children(g->root, parent);
        if (z <= r->zombies_above)
                return;
        struct sup_target t = { .pid = parent, .start = pst.starttime };
        char what[96], outcome[160];
        memcpy(t.comm, pst.comm, sizeof(t.comm));
        snprintf(what, sizeof(what), "holds %u zombie children (zombies_above %u)", z, r->zombies_above);
        if (r->zombie_action != ACTION_KILL)
                snprintf(outcome, sizeof(outcome), "warned");
        else if (guard_actuator(g) != &actuator_real)
                snprintf(outcome, sizeof(outcome), "not acted on (dry run): would kill it so init reaps them");
        else if (supervise_spares(g, &t))
                snprintf(outcome, sizeof(outcome), "not acted on: the supervisor is protected (or gone)");
        else if (guard_rate_limited(g, now_ns()))
                snprintf(outcome, sizeof(outcome), "deferred: max_kills_per_minute or post_kill_delay");
        else {
                guard_record_action(g, now_ns());
                int rr = supervise_signal(g->root, &t, SIGKILL);
                snprintf(outcome, sizeof(outcome), "%s", rr < 0 ? strerror(-rr) : "killed; init reaps its zombies");
        }
        supervise_log(1, r, &t, what, outcome);
}

static int suspect_if_zombie(pid_t pid, void *ud) {
        struct guard *g = ud;
        struct proc_stat st;
        if (read_proc_stat(g->root, pid, &st) == 0 && st.state == 'Z' && st.ppid > 1 &&
            g->n_suspects < ZOMBIE_SUSPECTS) {
                for (size_t i = 0; i < g->n_suspects; i++)
                        if (g->zombie_suspects[i] == st.ppid)
                                return 0;
                g->zombie_suspects[g->n_suspects++] = st.ppid;
        }
        return 0;
}

void supervise_tick(struct guard *g, uint64_t now, bool scan) {
        if (!g->restarts || !supervise_wants_events(g))
                return;
        if (scan)
                procs_all(g->root, suspect_if_zombie, g);
        if (g->n_suspects == 0 || now - g->last_zombie_check_ns < ZOMBIE_CHECK_NS)
                return;
        g->last_zombie_check_ns = now;
        for (size_t i = 0; i < g->n_suspects; i++)
                check_parent(g, g->zombie_suspects[i]);
        g->n_suspects = 0;
}
