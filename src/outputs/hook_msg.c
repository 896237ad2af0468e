/* The guard → hook runner messages and a hook's environment (see
 * hook_msg.h). Pure: no I/O, no allocation (hook_notify encodes on the
 * guard's side right after an action). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hook_msg.h"
#include "util.h"

/* src into dst of size; too long: cut when cut_ok, else "" (unknown). */
static void put(char *dst, size_t size, const char *src, bool cut_ok) {
        size_t n = src ? strnlen(src, size) : 0;
        if (n == size)
                n = cut_ok ? size - 1 : 0;
        memcpy(dst, src ? src : "", n);
        dst[n] = '\0';
}
#define PUT(field, src, cut_ok) put((field), sizeof(field), (src), (cut_ok))

void hook_msg_config(struct hook_msg *m, const char *path, uint64_t timeout_ns, bool journal, bool verbose) {
        memset(m, 0, sizeof(*m));
        m->magic = HOOK_MSG_MAGIC;
        m->type = HOOK_MSG_CONFIG;
        PUT(m->config.path, path, false);
        m->config.timeout_ns = timeout_ns;
        m->config.journal = journal;
        m->config.verbose = verbose;
}

void hook_msg_event(struct hook_msg *m, const struct report *r, const char *report_path) {
        memset(m, 0, sizeof(*m));
        m->magic = HOOK_MSG_MAGIC;
        m->type = HOOK_MSG_EVENT;
        struct hook_event *e = &m->event;
        e->kind = (uint32_t)r->kind;
        PUT(e->id, r->id, false);
        PUT(e->report, report_path, false);
        PUT(e->rule, r->rule, false);
        PUT(e->action, r->action, false);
        PUT(e->reason, r->reason, true);
        PUT(e->outcome, r->outcome, true);
        /* A kernel kill's cgroup: the report's once read, else the kernel's word. */
        if (r->cgroup.has)
                PUT(e->cgroup, r->cgroup.path, false);
        else if (r->kind == REPORT_KERNEL_OOM_KILL)
                PUT(e->cgroup, r->kernel.task_memcg, false);
        if (r->victim.has && r->victim.pid > 0) {
                e->victim_pid = (int32_t)r->victim.pid;
                PUT(e->victim_comm, r->victim.comm, true);
        }
        PUT(e->identity.runtime, r->identity.runtime, false);
        PUT(e->identity.container_id, r->identity.container_id, false);
        PUT(e->identity.pod_uid, r->identity.pod_uid, false);
        PUT(e->identity.qos, r->identity.qos, false);
}

static bool terminated(const char *s, size_t size) { return memchr(s, '\0', size) != NULL; }
#define TERMINATED(field) terminated((field), sizeof(field))

static int check_event(const struct hook_event *e) {
        if (e->kind > REPORT_WARNING || e->victim_pid < 0)
                return -EBADMSG;
        bool ok = TERMINATED(e->id) && TERMINATED(e->report) && TERMINATED(e->rule) && TERMINATED(e->action) &&
                  TERMINATED(e->reason) && TERMINATED(e->outcome) && TERMINATED(e->cgroup) &&
                  TERMINATED(e->victim_comm) && TERMINATED(e->identity.runtime) &&
                  TERMINATED(e->identity.container_id) && TERMINATED(e->identity.pod_uid) &&
                  TERMINATED(e->identity.qos);
        return ok ? 0 : -EBADMSG;
}

int hook_msg_check(const struct hook_msg *m, size_t len) {
        if (len != sizeof(*m) || m->magic != HOOK_MSG_MAGIC)
                return -EBADMSG;
        switch (m->type) {
        case HOOK_MSG_CONFIG:
                if (!TERMINATED(m->config.path) || m->config.path[0] != '/' || m->config.timeout_ns == 0)
                        return -EBADMSG;
                return 0;
        case HOOK_MSG_EVENT:
                return check_event(&m->event);
        default:
                return -EBADMSG;
        }
}

const char *hook_event_kind_name(uint32_t kind) {
        static const char *const names[] = {
                [REPORT_ACTION] = "action",
                [REPORT_KERNEL_OOM_KILL] = "kernel-oom-kill",
                [REPORT_WARNING] = "warning",
        };
        return kind < ELEMENTSOF(names) ? names[kind] : "unknown";
}

const char *hook_rule_label(char *buf, size_t size, const char *rule) {
        if (!rule[0])
                snprintf(buf, size, "kernel OOM kills");
        else
                snprintf(buf, size, "rule %s", rule);
        return buf;
}

/* Appends "NAME=value" to env at *off; -ENOBUFS when full. */
static int add(struct hook_env *env, size_t *n, size_t *off, const char *name, const char *value) {
        if (*n + 1 >= HOOK_ENV_MAX)
                return -ENOBUFS;
        int len = snprintf(env->buf + *off, sizeof(env->buf) - *off, "%s=%s", name, value);
        if (len < 0 || (size_t)len >= sizeof(env->buf) - *off)
                return -ENOBUFS;
        env->envp[(*n)++] = env->buf + *off;
        env->envp[*n] = NULL;
        *off += (size_t)len + 1;
        return 0;
}

int hook_env_build(struct hook_env *env, const struct hook_event *e, uint64_t missed) {
        char pid[16] = "", n_missed[24];
        if (e->victim_pid > 0)
                snprintf(pid, sizeof(pid), "%" PRId32, e->victim_pid);
        snprintf(n_missed, sizeof(n_missed), "%" PRIu64, missed);
        const struct {
                const char *name, *value;
        } vars[] = {
                { "OOMGUARD_EVENT", hook_event_kind_name(e->kind) },
                { "OOMGUARD_ID", e->id },
                { "OOMGUARD_REPORT", e->report },
                { "OOMGUARD_RULE", e->rule },
                { "OOMGUARD_ACTION", e->action },
                { "OOMGUARD_REASON", e->reason },
                { "OOMGUARD_OUTCOME", e->outcome },
                { "OOMGUARD_CGROUP", e->cgroup },
                { "OOMGUARD_VICTIM_PID", pid },
                { "OOMGUARD_VICTIM_COMM", e->victim_comm },
                { "OOMGUARD_CONTAINER_RUNTIME", e->identity.runtime },
                { "OOMGUARD_CONTAINER_ID", e->identity.container_id },
                { "OOMGUARD_POD_UID", e->identity.pod_uid },
                { "OOMGUARD_POD_QOS", e->identity.qos },
                { "OOMGUARD_EVENTS_MISSED", n_missed },
        };
        size_t n = 0, off = 0;
        env->envp[0] = NULL;
        int r = add(env, &n, &off, "PATH", HOOK_ENV_PATH + strlen("PATH="));
        for (size_t i = 0; r == 0 && i < ELEMENTSOF(vars); i++)
                r = add(env, &n, &off, vars[i].name, vars[i].value);
        return r;
}
