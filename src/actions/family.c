/* Supervisor + workers: pin, kill in order, wait. */
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "actions/family.h"
#include "sources/procs.h"
#include "util.h"

static int pin_pid(const char *root, pid_t pid, uint64_t start, struct victim *ret) {
        struct proc_stat st;
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
                return -errno;
        if (read_proc_stat(root, pid, &st) < 0 || (start && st.starttime != start)) {
                close(fd);
                return -ESRCH;
        }
        *ret = (struct victim){ .pid = pid, .ppid = st.ppid, .starttime = st.starttime, .pidfd = fd };
        memcpy(ret->comm, st.comm, sizeof(ret->comm));
        return 0;
}

struct collect {
        const char *root;
        const struct victim_policy *vp;
        struct family *f;
};

static bool in_family(const struct family *f, pid_t pid) {
        if (pid == f->head.pid)
                return true;
        for (size_t i = 0; i < f->n; i++)
                if (f->members[i].pid == pid)
                        return true;
        return false;
}

/* One pass over /proc adds processes whose parent is already in the
 * family; repeated until nothing is added (grandchildren). */
static int add_children(pid_t pid, void *ud) {
        struct collect *c = ud;
        struct proc_stat st;
        if (in_family(c->f, pid) || read_proc_stat(c->root, pid, &st) < 0 || !in_family(c->f, st.ppid))
                return 0;
        if (c->vp && victim_policy_spares(c->vp, &st)) {
                c->f->spared++; /* protected: left alone, and so are its children */
                return 0;
        }
        /* A child that lives in another cgroup (moved out, a scope of its
         * own) is not the decision's to kill: the rule watches this one. */
        if (c->vp && !victim_in_scope(c->vp, pid)) {
                c->f->elsewhere++;
                return 0;
        }
        if (c->f->n >= FAMILY_MAX) {
                c->f->truncated = true;
                return 0;
        }
        if (pin_pid(c->root, pid, st.starttime, &c->f->members[c->f->n]) == 0)
                c->f->n++;
        return 0;
}

int family_collect(const char *root, const struct victim_policy *vp, pid_t head, uint64_t head_start,
                   struct family *ret) {
        struct proc_stat st;
        ret->n = ret->spared = ret->elsewhere = 0;
        ret->truncated = false;
        if (vp && (read_proc_stat(root, head, &st) < 0 || victim_policy_spares(vp, &st)))
                return -EPERM; /* a protected supervisor is not killed, nor its family */
        int r = pin_pid(root, head, head_start, &ret->head);
        if (r < 0)
                return r;
        struct collect c = { .root = root, .vp = vp, .f = ret };
        for (size_t before = (size_t)-1; before != ret->n;) {
                before = ret->n;
                ret->spared = ret->elsewhere = 0; /* the last pass counts each once */
                procs_all(root, add_children, &c);
        }
        return 0;
}

static bool exited(int pidfd) {
        struct pollfd p = { .fd = pidfd, .events = POLLIN };
        return poll(&p, 1, 0) > 0;
}

static void kill_one(struct victim *v, struct family_result *res) {
        if (syscall(SYS_pidfd_send_signal, v->pidfd, SIGKILL, NULL, 0) == 0)
                res->signalled++;
        (void)syscall(SYS_process_mrelease, v->pidfd, 0);
}

/* The supervisor must be gone before any worker is signalled: a live
 * supervisor would fork a replacement for each worker that dies. */
static bool wait_head(struct family *f, uint64_t t0, uint64_t timeout_ns, struct family_result *res) {
        struct pollfd p = { .fd = f->head.pidfd, .events = POLLIN };
        int ms = (int)(timeout_ns / NSEC_PER_MSEC);
        if (poll(&p, 1, ms > 0 ? ms : 1) <= 0)
                return false;
        res->head_exit_ns = now_ns() - t0;
        return true;
}

int family_kill(struct family *f, uint64_t timeout_ns, struct family_result *ret) {
        struct family_result res = { 0 };
        uint64_t t0 = now_ns();
        kill_one(&f->head, &res);
        bool head_gone = wait_head(f, t0, timeout_ns, &res);
        for (size_t i = 0; i < f->n; i++)
                kill_one(&f->members[i], &res);
        for (;;) {
                unsigned gone = 0;
                if (!head_gone && exited(f->head.pidfd)) {
                        head_gone = true;
                        res.head_exit_ns = now_ns() - t0;
                }
                for (size_t i = 0; i < f->n; i++)
                        gone += exited(f->members[i].pidfd);
                res.exited = gone + head_gone;
                if ((head_gone && gone == f->n) || now_ns() - t0 > timeout_ns)
                        break;
                struct timespec ts = { 0, 2 * 1000 * 1000 };
                nanosleep(&ts, NULL);
        }
        res.all_exit_ns = now_ns() - t0;
        *ret = res;
        return res.exited == f->n + 1 ? 0 : -ETIMEDOUT;
}

void family_release(struct family *f) {
        victim_release(&f->head);
        for (size_t i = 0; i < f->n; i++)
                victim_release(&f->members[i]);
        f->n = 0;
}
