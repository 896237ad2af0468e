/* Internal to src/outputs/hook*.c: the messages from the guard to the hook
 * runner (one fixed-size SOCK_SEQPACKET datagram each, the same binary on
 * both sides: /proc/self/exe) and the environment of one hook run. Pure,
 * unit-tested (tests/unit/test_hook.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outputs/hook.h"
#include "outputs/report.h"

#define HOOK_MSG_MAGIC 0x6f6f6d68u /* "oomh" */

enum hook_msg_type { HOOK_MSG_CONFIG = 1, HOOK_MSG_EVENT = 2 };

struct hook_config {
        char path[HOOK_PATH_MAX]; /* absolute */
        uint64_t timeout_ns;      /* > 0 */
        bool journal;             /* hooks' output and the runner's log to the journal, else stderr */
        bool verbose;             /* the runner's debug messages */
};

/* Every string NUL-terminated within its array; "" = unknown. */
struct hook_event {
        uint32_t kind;      /* enum report_kind */
        int32_t victim_pid; /* 0 = none */
        char id[REPORT_ID_MAX];
        char report[HOOK_PATH_MAX];
        char rule[64]; /* "" for a kernel OOM kill: they share one "rule" */
        char action[24];
        char reason[256];
        char outcome[160];
        char cgroup[REPORT_PATH_MAX];
        char victim_comm[COMM_MAX];
        struct cgroup_identity identity;
};

struct hook_msg {
        uint32_t magic;
        uint32_t type; /* enum hook_msg_type */
        union {
                struct hook_config config;
                struct hook_event event;
        };
};

void hook_msg_config(struct hook_msg *m, const char *path, uint64_t timeout_ns, bool journal, bool verbose);
/* The event of report r; report_path NULL or "" when there is no file. A
 * path longer than its field becomes "" (a cut path would name another
 * file); the reason and the outcome are cut. Allocates nothing. */
void hook_msg_event(struct hook_msg *m, const struct report *r, const char *report_path);
/* Whether the len bytes received at m are a message to act on: the size,
 * the magic, a known type and kind, every string terminated, a config's
 * path absolute and its timeout > 0. 0 or -EBADMSG. */
int hook_msg_check(const struct hook_msg *m, size_t len);

/* Whether the nth of a repeated complaint is logged: 1, 2, 4, 8, ... */
static inline bool hook_log_nth(uint64_t n) { return (n & (n - 1)) == 0; }

/* "action", "kernel-oom-kill", "warning" (OOMGUARD_EVENT). */
const char *hook_event_kind_name(uint32_t kind);
/* "rule web", or "kernel OOM kills" (rule ""), for log lines. */
const char *hook_rule_label(char *buf, size_t size, const char *rule);

#define HOOK_ENV_MAX 24
#define HOOK_ENV_BUF 4096
#define HOOK_ENV_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A hook's whole environment: PATH and the OOMGUARD_* variables, every
 * one always set ("" when unknown), nothing inherited. envp points into
 * buf: do not copy the struct. */
struct hook_env {
        char *envp[HOOK_ENV_MAX]; /* NULL-terminated */
        char buf[HOOK_ENV_BUF];
};

/* The environment of a run for event e, after missed events of its rule
 * got no run of their own. 0, or -ENOBUFS (never with a checked event). */
int hook_env_build(struct hook_env *env, const struct hook_event *e, uint64_t missed);
