/* oomguard-metrics-httpd: serves the metrics file ([daemon] metrics_file)
 * over HTTP at metrics_listen, so that the root guard never parses
 * network input. A program of its own (the only one linking
 * libmicrohttpd), started by the guard (outputs/metrics_server.h):
 *
 *   oomguard-metrics-httpd --listen ADDR:PORT --file PATH [--user NAME] [--parent PID]
 *
 * It binds as the user it was started as (root may bind a port < 1024),
 * then, started as root, drops to NAME (default nobody): no
 * supplementary groups, its uid and gid, no capabilities, no new
 * privileges; it refuses to serve with any uid 0. GET or HEAD of
 * /metrics or / answers the file as it is at that moment (opened afresh
 * for each request: the guard replaces it by rename, so an open sees one
 * whole file); 404 for another path, 405 for another method, 503 while
 * the file cannot be read. At most CONNECTIONS_MAX connections, each
 * closed after TIMEOUT_S idle seconds (a slow client holds no more); at
 * nice NICE, below the guard.
 * It exits on SIGTERM, and when the guard (--parent) is gone. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "units.h"

#define CONNECTIONS_MAX 32 /* at once; more wait in the listen queue */
#define TIMEOUT_S 5        /* an idle connection is closed after this */
#define CONTENT_TYPE "text/plain; version=0.0.4"
#define NICE 10 /* below the guard: a scraper storm must not take its CPU */

struct options {
        const char *listen, *file, *user;
        pid_t parent; /* 0 = not watched */
};

static int usage(void) {
        fprintf(stderr, "usage: oomguard-metrics-httpd --listen ADDR:PORT --file PATH [--user NAME] [--parent PID]\n");
        return 2;
}

static int parse_args(int argc, char **argv, struct options *o) {
        *o = (struct options){ .user = "nobody" };
        for (int i = 1; i + 1 < argc; i += 2) {
                const char *k = argv[i], *v = argv[i + 1];
                if (strcmp(k, "--listen") == 0)
                        o->listen = v;
                else if (strcmp(k, "--file") == 0)
                        o->file = v;
                else if (strcmp(k, "--user") == 0)
                        o->user = v;
                else if (strcmp(k, "--parent") == 0)
                        o->parent = (pid_t)atoi(v);
                else
                        return -EINVAL;
        }
        if (argc % 2 == 0 || !o->listen || !o->file || o->file[0] != '/')
                return -EINVAL;
        return 0;
}

/* A listening socket on a (CLOEXEC; libmicrohttpd takes it as it is). */
static int bind_listen(const struct listen_addr *a) {
        struct sockaddr_in in4 = { .sin_family = AF_INET, .sin_port = htons(a->port) };
        struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(a->port) };
        const struct sockaddr *sa = (const struct sockaddr *)&in4;
        socklen_t len = sizeof(in4);
        if (a->family == AF_INET6) {
                memcpy(&in6.sin6_addr, a->addr, 16);
                sa = (const struct sockaddr *)&in6;
                len = sizeof(in6);
        } else {
                memcpy(&in4.sin_addr, a->addr, 4);
        }
        int fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
        if (fd < 0)
                return -errno;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (a->family == AF_INET6) /* [::] means IPv6 only, as written */
                (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, sa, len) < 0 || listen(fd, 64) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        return fd;
}

/* The guard runs with oom_score_adj -1000, which a child inherits: this
 * process is an ordinary one (root may raise its own; as another user
 * the write fails and nothing changes). And it yields the CPU to the
 * guard: under a storm of scrapes the guard's tick must not wait. */
static void drop_protection(void) {
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
                (void)!write(fd, "0", 1);
                close(fd);
        }
        (void)setpriority(PRIO_PROCESS, 0, NICE);
}

/* None left, whatever the uid change did: a guard with ambient
 * capabilities (a unit's AmbientCapabilities=, not root) hands them down
 * across the exec, and SECBIT_KEEP_CAPS keeps them over setresuid. The
 * bounding set is not ours to need either. Then checked. */
static int drop_capabilities(void) {
        (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[2] = { { 0 } };
        if (syscall(SYS_capset, &hdr, data) < 0 && errno != EPERM)
                return -errno;
        if (syscall(SYS_capget, &hdr, data) < 0)
                return -errno;
        if (data[0].permitted || data[1].permitted || data[0].effective || data[1].effective) {
                fprintf(stderr, "oomguard-metrics-httpd: capabilities left after dropping them: refusing to serve\n");
                return -EPERM;
        }
        return 0;
}

/* Started as root: become user, for good. Otherwise already unprivileged. */
static int drop_privileges(const char *user) {
        if (geteuid() == 0) {
                errno = 0;
                struct passwd *pw = getpwnam(user);
                if (!pw) {
                        fprintf(stderr, "oomguard-metrics-httpd: no user \"%s\"\n", user);
                        return -ENOENT;
                }
                if (pw->pw_uid == 0 || pw->pw_gid == 0) {
                        fprintf(stderr, "oomguard-metrics-httpd: user \"%s\" is root: refusing to serve as root\n",
                                user);
                        return -EPERM;
                }
                if (setgroups(0, NULL) < 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
                    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
                        int e = -errno;
                        fprintf(stderr, "oomguard-metrics-httpd: cannot become %s: %s\n", user, strerror(errno));
                        return e;
                }
        }
        uid_t r, e, s;
        gid_t rg, eg, sg;
        if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0 || r == 0 || e == 0 || s == 0 || rg == 0 ||
            eg == 0 || sg == 0) {
                fprintf(stderr, "oomguard-metrics-httpd: still root after dropping privileges: refusing to serve\n");
                return -EPERM;
        }
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        return drop_capabilities();
}

/* A fixed text answer (404, 405, 503). */
static enum MHD_Result answer_text(struct MHD_Connection *c, unsigned status, const char *text) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
        if (!resp)
                return MHD_NO;
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
        if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        enum MHD_Result r = MHD_queue_response(c, status, resp);
        MHD_destroy_response(resp);
        return r;
}

/* The file's bytes as they are now; 503 while it cannot be read. */
static enum MHD_Result answer_file(struct MHD_Connection *c, const char *path) {
        char msg[256];
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        struct stat st;
        if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
                close(fd);
                fd = -1;
                errno = EINVAL;
        }
        if (fd < 0) {
                snprintf(msg, sizeof(msg), "no metrics: %s: %s\n", path,
                         errno == EINVAL ? "not a regular file" : strerror(errno));
                return answer_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, msg);
        }
        struct MHD_Response *resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd); /* it closes fd */
        if (!resp) {
                close(fd);
                return MHD_NO;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        enum MHD_Result r = MHD_queue_response(c, MHD_HTTP_OK, resp);
        MHD_destroy_response(resp);
        return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **req_cls) {
        const struct options *o = cls;
        if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
                return answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        if (strcmp(url, "/metrics") != 0 && strcmp(url, "/") != 0)
                return answer_text(c, MHD_HTTP_NOT_FOUND, "not found: the metrics are at /metrics\n");
        return answer_file(c, o->file);
}

/* Exits when the guard is gone: PR_SET_PDEATHSIG (set after the uid
 * change, which clears it) sends SIGTERM, and a parent already gone
 * before that, or a signal lost, is seen by checking getppid(). */
static bool parent_gone(const struct options *o) { return o->parent > 0 && getppid() != o->parent; }

static int serve(const struct options *o, int listen_fd) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        /* Blocked before libmicrohttpd starts its thread: it inherits the mask. */
        sigprocmask(SIG_BLOCK, &set, NULL);
        signal(SIGPIPE, SIG_IGN);
        struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                                                on_request, (void *)o, MHD_OPTION_LISTEN_SOCKET, listen_fd,
                                                MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS_MAX,
                                                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)TIMEOUT_S,
                                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384, MHD_OPTION_END);
        if (!d) {
                fprintf(stderr, "oomguard-metrics-httpd: cannot start the HTTP server on %s\n", o->listen);
                return 1;
        }
        const struct timespec second = { .tv_sec = 1 };
        while (!parent_gone(o)) {
                int sig = sigtimedwait(&set, NULL, &second);
                if (sig == SIGTERM || sig == SIGINT)
                        break;
        }
        MHD_stop_daemon(d);
        return 0;
}

int main(int argc, char **argv) {
        struct options o;
        struct listen_addr a;
        if (parse_args(argc, argv, &o) < 0)
                return usage();
        if (parse_listen_addr(o.listen, &a) < 0) {
                fprintf(stderr, "oomguard-metrics-httpd: \"%s\" is not ADDR:PORT (127.0.0.1:9101, [::1]:9101)\n",
                        o.listen);
                return 2;
        }
        int fd = bind_listen(&a);
        if (fd < 0) {
                fprintf(stderr, "oomguard-metrics-httpd: cannot listen on %s: %s\n", o.listen, strerror(-fd));
                return 1;
        }
        drop_protection();
        if (drop_privileges(o.user) < 0)
                return 1;
        if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 || parent_gone(&o))
                return 0;
        return serve(&o, fd);
}
