/* /proc/PID files of one process. The name (comm) is chosen by the process
 * itself and may hold spaces, parentheses and newlines, so stat is split
 * at the LAST ')' and nothing before it is trusted as a field. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/cgroup_view.h"
#include "sources/kv.h"
#include "sources/proc_pid.h"
#include "util.h"

#define STAT_LAST_FIELD 24 /* rss: the last field we use */

/* A whole token as one unsigned number not above max. */
static int tok_u64(const char *tok, size_t n, uint64_t max, uint64_t *ret) {
        const char *p = tok;
        uint64_t v;
        int r = parse_u64_at(&p, tok + n, &v);
        if (r < 0)
                return r == -ERANGE ? r : -EBADMSG;
        if (p != tok + n)
                return -EBADMSG;
        if (v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

/* "123 (comm" -> pid and comm; *ret_rest points just after the last ')'. */
static int stat_head(const char *buf, size_t len, struct proc_stat *st, const char **ret_rest) {
        const char *p = buf, *end = buf + len;
        uint64_t pid;
        if (parse_u64_at(&p, end, &pid) < 0 || pid == 0 || pid > INT_MAX)
                return -EBADMSG;
        if (end - p < 2 || p[0] != ' ' || p[1] != '(')
                return -EBADMSG;
        const char *comm = p + 2;
        const char *rpar = memrchr(comm, ')', (size_t)(end - comm));
        if (!rpar)
                return -EBADMSG;
        size_t n = (size_t)(rpar - comm);
        if (n >= sizeof(st->comm))
                n = sizeof(st->comm) - 1;
        memcpy(st->comm, comm, n);
        st->comm[n] = '\0';
        st->pid = (pid_t)pid;
        *ret_rest = rpar + 1;
        return 0;
}

/* Fields 3..24 after the comm; each must end inside buf (a number cut at
 * len would read short). */
static int stat_fields(const char *p, const char *end, const char *tok[], size_t tlen[]) {
        for (int i = 3; i <= STAT_LAST_FIELD; i++) {
                /* exactly one space: a doubled one means a shifted field */
                if (end - p < 2 || p[0] != ' ' || p[1] == ' ' || p[1] == '\t')
                        return -EBADMSG;
                p++;
                tlen[i] = kv_token(&p, end, &tok[i]);
                if (tlen[i] == 0 || p >= end)
                        return -EBADMSG;
        }
        return 0;
}

int parse_proc_stat(const char *buf, size_t len, struct proc_stat *ret) {
        struct proc_stat st = { 0 };
        const char *rest, *tok[STAT_LAST_FIELD + 1] = { 0 };
        size_t tlen[STAT_LAST_FIELD + 1] = { 0 };
        uint64_t ppid, pgrp, session, threads;
        int r = stat_head(buf, len, &st, &rest);
        if (r < 0)
                return r;
        if ((r = stat_fields(rest, buf + len, tok, tlen)) < 0)
                return r;
        if (tlen[3] != 1)
                return -EBADMSG;
        st.state = tok[3][0];
        if ((r = tok_u64(tok[4], tlen[4], INT_MAX, &ppid)) < 0 || (r = tok_u64(tok[5], tlen[5], INT_MAX, &pgrp)) < 0 ||
            (r = tok_u64(tok[6], tlen[6], INT_MAX, &session)) < 0 ||
            (r = tok_u64(tok[9], tlen[9], UINT64_MAX, &st.flags)) < 0 ||
            (r = tok_u64(tok[20], tlen[20], LONG_MAX, &threads)) < 0 ||
            (r = tok_u64(tok[22], tlen[22], UINT64_MAX, &st.starttime)) < 0 ||
            (r = tok_u64(tok[23], tlen[23], UINT64_MAX, &st.vsize)) < 0 ||
            (r = tok_u64(tok[24], tlen[24], UINT64_MAX, &st.rss_pages)) < 0)
                return r;
        st.ppid = (pid_t)ppid;
        st.pgrp = (pid_t)pgrp;
        st.session = (pid_t)session;
        st.num_threads = (long)threads;
        *ret = st;
        return 0;
}

/* "Uid:\t1000\t1000\t1000\t1000": the first one is the real uid. */
static int status_uid(const char *buf, size_t len, uid_t *ret) {
        const char *p = buf, *end = buf + len, *line, *tok;
        size_t n;
        while (kv_next_line(&p, end, &line, &n)) {
                const char *q = line;
                size_t tn = kv_token(&q, line + n, &tok);
                uint64_t uid;
                if (!kv_token_eq(tok, tn, "Uid:"))
                        continue;
                tn = kv_token(&q, line + n, &tok);
                int r = tok_u64(tok, tn, UINT32_MAX, &uid);
                if (r < 0)
                        return r;
                *ret = (uid_t)uid;
                return 0;
        }
        return -EBADMSG;
}

/* NSpid: the pid in each nested namespace; the last one is the pid the
 * process sees for itself (1 = a container's init). 0 when absent. */
static pid_t status_ns_pid(const char *buf, size_t len) {
        const char *p = buf, *end = buf + len, *line, *tok;
        size_t n;
        while (kv_next_line(&p, end, &line, &n)) {
                const char *q = line;
                size_t tn = kv_token(&q, line + n, &tok);
                uint64_t v, last = 0;
                if (!kv_token_eq(tok, tn, "NSpid:"))
                        continue;
                while ((tn = kv_token(&q, line + n, &tok)) > 0)
                        if (tok_u64(tok, tn, INT_MAX, &v) == 0)
                                last = v;
                return (pid_t)last;
        }
        return 0;
}

int parse_proc_status(const char *buf, size_t len, struct proc_status *ret) {
        struct proc_status s = { 0 };
        const struct kv_field fields[] = {
                { "VmRSS", &s.vm_rss, &s.has_vm_rss }, /* absent for kernel threads */
                { "RssAnon", &s.rss_anon, NULL },      { "RssFile", &s.rss_file, NULL },
                { "RssShmem", &s.rss_shmem, NULL },    { "VmSwap", &s.vm_swap, NULL },
                { "VmPTE", &s.vm_pte, NULL },
        };
        int r = status_uid(buf, len, &s.uid);
        if (r < 0)
                return r;
        r = parse_kv(buf, len, fields, ELEMENTSOF(fields));
        if (r < 0)
                return r;
        s.ns_pid = status_ns_pid(buf, len);
        *ret = s;
        return 0;
}

int parse_status_mask(const char *buf, size_t len, const char *key, uint64_t *ret) {
        const char *p = buf, *end = buf + len, *line, *tok;
        size_t n;
        while (kv_next_line(&p, end, &line, &n)) {
                const char *q = line;
                size_t tn = kv_token(&q, line + n, &tok);
                if (!kv_token_eq(tok, tn, key))
                        continue;
                char hex[32], *e;
                tn = kv_token(&q, line + n, &tok);
                if (tn == 0 || tn >= sizeof(hex) || kv_skip_blanks(q, line + n) != line + n)
                        return -EINVAL;
                memcpy(hex, tok, tn);
                hex[tn] = '\0';
                errno = 0;
                unsigned long long v = strtoull(hex, &e, 16);
                if (errno || *e)
                        return -EINVAL;
                *ret = v;
                return 0;
        }
        return -ENOENT;
}

int parse_status_cap_eff(const char *buf, size_t len, uint64_t *ret) {
        return parse_status_mask(buf, len, "CapEff:", ret);
}

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n'; }

int parse_int_value(const char *buf, size_t len, int *ret) {
        const char *p = buf, *end = buf + len;
        bool neg = false;
        uint64_t v;
        while (p < end && is_ws(*p))
                p++;
        if (p < end && *p == '-')
                neg = true, p++;
        int r = parse_u64_at(&p, end, &v);
        if (r < 0)
                return r == -ERANGE ? r : -EBADMSG;
        while (p < end && is_ws(*p))
                p++;
        if (p != end)
                return -EBADMSG;
        if (v > (neg ? (uint64_t)INT_MAX + 1 : (uint64_t)INT_MAX))
                return -ERANGE;
        *ret = neg ? (int)(-(int64_t)v) : (int)v;
        return 0;
}

/* controller is in the comma-separated list [l, e). */
static bool list_has(const char *l, const char *e, const char *controller) {
        while (l <= e) {
                const char *c = memchr(l, ',', (size_t)(e - l));
                const char *ce = c ? c : e;
                if (kv_token_eq(l, (size_t)(ce - l), controller))
                        return true;
                l = ce + 1;
        }
        return false;
}

/* One "ID:controllers:path" line; true with the path when it matches. */
static bool cgroup_line_match(const char *line, size_t n, const char *controller, const char **ret_path,
                              size_t *ret_len) {
        const char *end = line + n;
        const char *c1 = memchr(line, ':', n);
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
        if (!c2 || c2 + 1 >= end)
                return false;
        if (controller ? !list_has(c1 + 1, c2, controller) : !(c1 == line + 1 && line[0] == '0' && c2 == c1 + 1))
                return false;
        *ret_path = c2 + 1;
        *ret_len = (size_t)(end - c2 - 1);
        return true;
}

int parse_proc_cgroup(const char *buf, size_t len, const char *controller, char *ret, size_t size) {
        const char *p = buf, *end = buf + len, *line, *path;
        size_t n, plen;
        if (controller && !*controller)
                return -EINVAL;
        const char *found = NULL;
        size_t found_len = 0;
        while (kv_next_line(&p, end, &line, &n)) {
                if (!cgroup_line_match(line, n, controller, &path, &plen))
                        continue;
                /* A hierarchy has one line. Two: a cgroup name with a
                 * newline spoofing one ("x\n0::/y"; this kernel refuses
                 * such names, tests/t-hostile.sh, an older one may not). */
                if (found)
                        return -EBADMSG;
                found = path, found_len = plen;
        }
        if (!found)
                return -ENOENT;
        if (found_len + 1 > size)
                return -ENAMETOOLONG;
        memcpy(ret, found, found_len);
        ret[found_len] = '\0';
        return 0;
}

/* Reads ROOT/proc/PID/name. A missing file of a missing process is -ESRCH;
 * a missing file of a live one stays -ENOENT. */
static ssize_t read_pid_file(const char *root, pid_t pid, const char *name, char *buf, size_t size) {
        char path[64], full[4096];
        if (pid <= 0)
                return -EINVAL;
        snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
        ssize_t n = read_file_at(root, path, buf, size);
        if (n != -ENOENT)
                return n;
        snprintf(path, sizeof(path), "/proc/%d", (int)pid);
        if (path_join(full, sizeof(full), root, path) < 0)
                return n;
        return access(full, F_OK) < 0 && errno == ENOENT ? -ESRCH : n;
}

int read_proc_stat(const char *root, pid_t pid, struct proc_stat *ret) {
        char buf[1024]; /* one line, < 400 bytes */
        ssize_t n = read_pid_file(root, pid, "stat", buf, sizeof(buf));
        return n < 0 ? (int)n : parse_proc_stat(buf, (size_t)n, ret);
}

int read_proc_status(const char *root, pid_t pid, struct proc_status *ret) {
        char buf[16384]; /* Groups: and Mems_allowed: can be long */
        ssize_t n = read_pid_file(root, pid, "status", buf, sizeof(buf));
        return n < 0 ? (int)n : parse_proc_status(buf, (size_t)n, ret);
}

static int read_pid_int(const char *root, pid_t pid, const char *name, int *ret) {
        char buf[64];
        ssize_t n = read_pid_file(root, pid, name, buf, sizeof(buf));
        return n < 0 ? (int)n : parse_int_value(buf, (size_t)n, ret);
}

int read_proc_oom_score(const char *root, pid_t pid, int *ret) { return read_pid_int(root, pid, "oom_score", ret); }

int read_proc_oom_score_adj(const char *root, pid_t pid, int *ret) {
        return read_pid_int(root, pid, "oom_score_adj", ret);
}

int read_proc_cgroup(const char *root, pid_t pid, const char *controller, char *ret, size_t size) {
        char buf[16384];
        ssize_t n = read_pid_file(root, pid, "cgroup", buf, sizeof(buf));
        int r = n < 0 ? (int)n : parse_proc_cgroup(buf, (size_t)n, controller, ret, size);
        return r < 0 ? r : cgroup_view_map(controller, ret, size);
}

int read_proc_cmdline(const char *root, pid_t pid, char *buf, size_t size) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
        ssize_t n = read_file_at(root, path, buf, size);
        if (n == -ENOBUFS)
                n = (ssize_t)size - 1; /* a long command line: its start is enough */
        if (n < 0) {
                buf[0] = '\0';
                return (int)n;
        }
        buf[n] = '\0';
        for (ssize_t i = 0; i + 1 < n; i++)
                if (buf[i] == '\0')
                        buf[i] = ' ';
        return 0;
}

/* A binary replaced on disk (a package upgrade) reads "PATH (deleted)":
 * it is still that program. */
int read_proc_exe(const char *root, pid_t pid, char *buf, size_t size) {
        static const char deleted[] = " (deleted)";
        char rel[64], path[PATH_MAX];
        snprintf(rel, sizeof(rel), "/proc/%d/exe", (int)pid);
        buf[0] = '\0';
        if (size < 2 || path_join(path, sizeof(path), root, rel) < 0)
                return -ENAMETOOLONG;
        ssize_t n = readlink(path, buf, size - 1);
        if (n < 0) {
                buf[0] = '\0';
                return -errno;
        }
        buf[n] = '\0';
        size_t d = sizeof(deleted) - 1;
        if ((size_t)n > d && strcmp(buf + n - d, deleted) == 0)
                buf[n - d] = '\0';
        return 0;
}
