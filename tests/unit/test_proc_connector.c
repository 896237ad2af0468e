/* Parsing proc connector datagrams built by hand, and one live round
 * trip (fork + exec + exit of a child) when the kernel allows it. */
#include "testing.h"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sources/proc_connector.h"

struct msg {
        struct nlmsghdr nl;
        struct cn_msg cn;
        struct proc_event ev;
} __attribute__((packed));

static struct msg make(enum what what) {
        struct msg m = { .nl = { .nlmsg_len = sizeof(m), .nlmsg_type = NLMSG_DONE },
                         .cn = { .id = { CN_IDX_PROC, CN_VAL_PROC }, .len = sizeof(struct proc_event) },
                         .ev = { .what = what, .timestamp_ns = 42 } };
        return m;
}

struct seen {
        struct pc_event ev[8];
        int n;
};
static void collect(const struct pc_event *e, void *ud) {
        struct seen *s = ud;
        if (s->n < 8)
                s->ev[s->n++] = *e;
}

static void test_fork_exec_exit(void **state) {
        struct msg m[3] = { make(PROC_EVENT_FORK), make(PROC_EVENT_EXEC), make(PROC_EVENT_EXIT) };
        m[0].ev.event_data.fork.parent_tgid = 100;
        m[0].ev.event_data.fork.child_pid = m[0].ev.event_data.fork.child_tgid = 101;
        m[1].ev.event_data.exec.process_pid = m[1].ev.event_data.exec.process_tgid = 101;
        m[2].ev.event_data.exit.process_pid = m[2].ev.event_data.exit.process_tgid = 101;
        m[2].ev.event_data.exit.exit_code = 9; /* killed by SIGKILL */
        m[2].ev.event_data.exit.exit_signal = 17;
        struct seen s = { 0 };
        assert_int_equal(parse_proc_connector(m, sizeof(m), collect, &s), 3);
        assert_int_equal(s.ev[0].kind, PC_FORK);
        assert_int_equal(s.ev[0].parent_tgid, 100);
        assert_int_equal(s.ev[0].tgid, 101);
        assert_int_equal(s.ev[1].kind, PC_EXEC);
        assert_int_equal(s.ev[2].kind, PC_EXIT);
        assert_int_equal(s.ev[2].exit_code, 9);
        assert_int_equal(s.ev[0].timestamp_ns, 42);
}

static void test_truncated_and_foreign(void **state) {
        struct msg m = make(PROC_EVENT_EXEC);
        struct seen s = { 0 };
        /* Cut anywhere: never read past the end, never a bogus event. */
        for (size_t len = 0; len < sizeof(m); len++) {
                int r = parse_proc_connector(&m, len, collect, &s);
                assert_true(r == 0 || r == -EBADMSG);
        }
        assert_int_equal(s.n, 0);
        m.cn.id.idx = 7; /* another connector */
        assert_int_equal(parse_proc_connector(&m, sizeof(m), collect, &s), 0);
        m = make(PROC_EVENT_PTRACE); /* a kind we do not use */
        assert_int_equal(parse_proc_connector(&m, sizeof(m), collect, &s), 0);
        m = make(PROC_EVENT_EXEC);
        m.nl.nlmsg_type = NLMSG_ERROR;
        assert_int_equal(parse_proc_connector(&m, sizeof(m), collect, &s), -EBADMSG);
}

/* Found by make fuzz: an unaligned nlmsg_len equal to the bytes left
 * made the kernel's NLMSG_NEXT wrap the remaining length around. */
static void test_odd_length_does_not_wrap(void **state) {
        char buf[64] __attribute__((aligned(4))) = { 0 };
        struct nlmsghdr nl = { .nlmsg_len = 19, .nlmsg_type = NLMSG_DONE };
        memcpy(buf + 1, &nl, sizeof(nl)); /* unaligned too */
        struct seen s = { 0 };
        int r = parse_proc_connector(buf + 1, 19, collect, &s);
        assert_true(r == 0 || r == -EBADMSG);
        assert_int_equal(s.n, 0);
}

struct live {
        pid_t child;
        bool forked, execed, exited;
};
static void watch(const struct pc_event *e, void *ud) {
        struct live *l = ud;
        if (e->tgid != l->child)
                return;
        l->forked |= e->kind == PC_FORK && e->parent_tgid == getpid();
        l->execed |= e->kind == PC_EXEC;
        l->exited |= e->kind == PC_EXIT && e->pid == l->child;
}

static void test_live_round_trip(void **state) {
        int fd = proc_connector_open();
        if (fd < 0)
                skip(); /* no CAP_NET_ADMIN or a container's netns */
        struct live l = { 0 };
        l.child = fork();
        if (l.child == 0) {
                execl("/bin/true", "true", (char *)NULL);
                _exit(127);
        }
        waitpid(l.child, NULL, 0);
        for (int i = 0; i < 20 && !l.exited; i++) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                poll(&p, 1, 100);
                assert_true(proc_connector_drain(fd, watch, &l) >= 0);
        }
        close(fd);
        assert_true(l.forked);
        assert_true(l.execed);
        assert_true(l.exited);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fork_exec_exit),
                cmocka_unit_test(test_truncated_and_foreign),
                cmocka_unit_test(test_odd_length_does_not_wrap),
                cmocka_unit_test(test_live_round_trip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
