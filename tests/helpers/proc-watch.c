/* Test helper: an independent witness of process events (proc connector).
 *   proc-watch SECONDS
 * Prints "fork PARENT CHILD NS", "exec PID NS" and "exit PID SIGNAL NS"
 * (NS = the kernel's CLOCK_MONOTONIC timestamp) for every process (not
 * thread) event until SECONDS have passed or it receives SIGTERM. */
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int open_connector(void) {
        int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return -1;
        struct __attribute__((packed)) {
                struct nlmsghdr nl;
                struct cn_msg cn;
                enum proc_cn_mcast_op op;
        } req = { .nl = { .nlmsg_len = sizeof(req), .nlmsg_type = NLMSG_DONE },
                  .cn = { .id = { CN_IDX_PROC, CN_VAL_PROC }, .len = sizeof(enum proc_cn_mcast_op) },
                  .op = PROC_CN_MCAST_LISTEN };
        return send(fd, &req, sizeof(req), 0) < 0 ? -1 : fd;
}

static void print_event(const struct proc_event *ev) {
        unsigned long long ts = (unsigned long long)ev->timestamp_ns;
        if (ev->what == PROC_EVENT_FORK && ev->event_data.fork.child_pid == ev->event_data.fork.child_tgid)
                printf("fork %d %d %llu\n", ev->event_data.fork.parent_tgid, ev->event_data.fork.child_pid, ts);
        else if (ev->what == PROC_EVENT_EXEC)
                printf("exec %d %llu\n", ev->event_data.exec.process_pid, ts);
        else if (ev->what == PROC_EVENT_EXIT && ev->event_data.exit.process_pid == ev->event_data.exit.process_tgid)
                printf("exit %d %u %llu\n", ev->event_data.exit.process_pid, ev->event_data.exit.exit_code & 0x7f, ts);
}

int main(int argc, char **argv) {
        int fd = open_connector();
        if (fd < 0) {
                perror("proc-watch");
                return 1;
        }
        signal(SIGTERM, exit);
        printf("ready\n");
        fflush(stdout);
        time_t end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 10);
        char buf[8192] __attribute__((aligned(8)));
        while (time(NULL) < end) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                if (poll(&p, 1, 200) <= 0)
                        continue;
                ssize_t n = recv(fd, buf, sizeof(buf), 0);
                size_t len = n > 0 ? (size_t)n : 0;
                for (struct nlmsghdr *nl = (void *)buf; NLMSG_OK(nl, len); nl = NLMSG_NEXT(nl, len)) {
                        struct cn_msg *cn = NLMSG_DATA(nl);
                        struct proc_event ev;
                        if (cn->len < sizeof(ev))
                                continue;
                        memcpy(&ev, cn->data, sizeof(ev));
                        print_event(&ev);
                }
                fflush(stdout);
        }
        return 0;
}
