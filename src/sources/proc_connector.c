/* Netlink process connector: subscribe, read, parse. */
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>

#include "sources/proc_connector.h"
#include "util.h"

int proc_connector_open(void) {
        int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
        if (fd < 0)
                return -errno;
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0 };
        int r = 0;
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                r = -errno;
        struct {
                struct nlmsghdr nl;
                struct cn_msg cn;
                enum proc_cn_mcast_op op;
        } __attribute__((packed)) req = {
                .nl = { .nlmsg_len = sizeof(req), .nlmsg_type = NLMSG_DONE, .nlmsg_pid = 0 },
                .cn = { .id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC }, .len = sizeof(enum proc_cn_mcast_op) },
                .op = PROC_CN_MCAST_LISTEN,
        };
        if (r == 0 && send(fd, &req, sizeof(req), 0) < 0)
                r = -errno;
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

static bool convert(const struct proc_event *pe, struct pc_event *ev) {
        *ev = (struct pc_event){ .timestamp_ns = pe->timestamp_ns };
        switch (pe->what) {
        case PROC_EVENT_FORK:
                ev->kind = PC_FORK;
                ev->pid = pe->event_data.fork.child_pid;
                ev->tgid = pe->event_data.fork.child_tgid;
                ev->parent_pid = pe->event_data.fork.parent_pid;
                ev->parent_tgid = pe->event_data.fork.parent_tgid;
                return true;
        case PROC_EVENT_EXEC:
                ev->kind = PC_EXEC;
                ev->pid = pe->event_data.exec.process_pid;
                ev->tgid = pe->event_data.exec.process_tgid;
                return true;
        case PROC_EVENT_UID:
                ev->kind = PC_UID;
                ev->pid = pe->event_data.id.process_pid;
                ev->tgid = pe->event_data.id.process_tgid;
                ev->uid = pe->event_data.id.e.euid;
                return true;
        case PROC_EVENT_COMM:
                ev->kind = PC_COMM;
                ev->pid = pe->event_data.comm.process_pid;
                ev->tgid = pe->event_data.comm.process_tgid;
                return true;
        case PROC_EVENT_EXIT:
                ev->kind = PC_EXIT;
                ev->pid = pe->event_data.exit.process_pid;
                ev->tgid = pe->event_data.exit.process_tgid;
                ev->exit_code = (int)pe->event_data.exit.exit_code;
                ev->parent_pid = pe->event_data.exit.parent_pid;
                ev->parent_tgid = pe->event_data.exit.parent_tgid;
                ev->exit_signal = (int)pe->event_data.exit.exit_signal;
                return true;
        default:
                return false;
        }
}

/* One netlink message of msg_len bytes at p: 1 event, 0 (not ours), or
 * -EBADMSG. Copies instead of casting: no alignment is assumed. */
static int parse_message(const char *p, size_t msg_len, uint16_t type, pc_event_fn fn, void *ud) {
        struct cn_msg cn;
        struct proc_event pe;
        struct pc_event ev;
        if (type == NLMSG_NOOP)
                return 0;
        if (type == NLMSG_ERROR || msg_len < NLMSG_HDRLEN + sizeof(cn))
                return -EBADMSG;
        memcpy(&cn, p + NLMSG_HDRLEN, sizeof(cn));
        if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC)
                return 0;
        if (cn.len < sizeof(pe) || msg_len < NLMSG_HDRLEN + sizeof(cn) + sizeof(pe))
                return 0; /* an ack or a short message */
        memcpy(&pe, p + NLMSG_HDRLEN + sizeof(cn), sizeof(pe));
        if (!convert(&pe, &ev))
                return 0;
        fn(&ev, ud);
        return 1;
}

int parse_proc_connector(const void *buf, size_t len, pc_event_fn fn, void *ud) {
        const char *p = buf;
        int n = 0;
        for (size_t off = 0; len - off >= sizeof(struct nlmsghdr);) {
                struct nlmsghdr nl;
                memcpy(&nl, p + off, sizeof(nl));
                if (nl.nlmsg_len < sizeof(nl) || nl.nlmsg_len > len - off)
                        break; /* truncated: what was complete has been used */
                int r = parse_message(p + off, nl.nlmsg_len, nl.nlmsg_type, fn, ud);
                if (r < 0)
                        return r;
                n += r;
                size_t step = NLMSG_ALIGN(nl.nlmsg_len);
                if (step > len - off)
                        break;
                off += step;
        }
        return n;
}

int proc_connector_drain(int fd, pc_event_fn fn, void *ud) {
        char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
        int total = 0;
        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf), 0);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return total;
                        if (errno == EINTR)
                                continue;
                        return -errno; /* ENOBUFS: events were lost */
                }
                int r = parse_proc_connector(buf, (size_t)n, fn, ud);
                if (r > 0)
                        total += r;
        }
}
