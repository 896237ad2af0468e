/* The admin's policy, as loaded from the INI file, in plain data. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "units.h"
#include "policy/adjust_rule.h"
#include "policy/alarm.h"
#include "policy/matcher.h"
#include "sources/zoneinfo.h"

enum action_kind {
        ACTION_WARN = 0,    /* log only */
        ACTION_KILL,        /* kill the chosen process */
        ACTION_KILL_CGROUP, /* kill every process of the cgroup */
        ACTION_RECLAIM,     /* ask the kernel to reclaim the cgroup's cache */
        ACTION_STOP,        /* SIGSTOP the chosen process (resumable) */
        _ACTION_MAX
};
const char *action_kind_to_string(enum action_kind a);
int action_kind_from_string(const char *s, enum action_kind *ret);

/* How a rule's thresholds combine ("thresholds = any | all"). */
enum thresholds_mode {
        THRESHOLDS_ANY = 0, /* fires when any set threshold is crossed */
        THRESHOLDS_ALL,     /* only when every set threshold is crossed at once */
};
const char *thresholds_mode_to_string(enum thresholds_mode m);

/* Thresholds; a rule fires when any (or, with THRESHOLDS_ALL, every) set
 * threshold is crossed. Unset doubles are < 0, unset durations 0. */
struct thresholds {
        enum thresholds_mode mode;
        struct size_or_pct usage_above;             /* working set vs own limit */
        struct size_or_pct mem_available_below;     /* [global]: of MemTotal */
        struct size_or_pct swap_free_below;         /* [global]: of SwapTotal */
        struct size_or_pct psi_mem_available_below; /* [global]: PSI counts only while
                                                     * MemAvailable is below this */
        double failcnt_rate_above;                  /* limit hits per second */
        double psi_some_avg10_above;                /* percent */
        double psi_full_avg10_above;                /* percent */
        enum watermark_level watermark_below;       /* [global] */
        struct size_or_pct headroom_below;          /* [cgroup:]: limit - usage, of the limit */
        uint64_t forecast_below_ns;                 /* [cgroup:]: time to the limit at the
                                                 * current usage slope; 0 = unset */
};

enum rule_scope { RULE_GLOBAL, RULE_CGROUP };

/* The leak forecast (snapshot/trend.h, policy/leak_warn.h): a warning
 * when the working set's trend over window reaches the limit within
 * warn_within. Every watched cgroup (and the machine) keeps its trend,
 * for --status and the metrics; only warn_within warns. */
struct leak_rule {
        uint64_t warn_within_ns; /* the horizon; 0 = no warning */
        uint64_t window_ns;      /* how far back the trend looks */
};
#define LEAK_WINDOW_DEFAULT_NS (UINT64_C(3600) * 1000000000) /* 1h */

struct rule {
        char *name; /* "global" or the NAME of [cgroup:NAME] */
        enum rule_scope scope;
        char *path_glob; /* [cgroup:]: fnmatch(FNM_PATHNAME) */
        struct thresholds th;
        enum action_kind action;
        bool supervisor_first;
        uint64_t for_ns; /* thresholds must stay crossed this long; 0 = at once */
        /* Opt-in "buy time" modes (off by default; see policy/tripwire.h):
         * v2: memory.high set this far under memory.max; v1: the kernel's
         * OOM killer disabled and oomguard acting on the cgroup's OOM. */
        struct size_or_pct tripwire;
        bool oom_handler;
        /* [cgroup:]: limit-hit warnings (policy/alarm.h), apart from th and action */
        struct alarm_rule alarms;
        /* leak_warn_within / leak_window (policy/leak_warn.h) */
        struct leak_rule leak;
        /* Before kill, kill-cgroup or stop: a cgroup whose usage is mostly
         * reclaimable file cache is reclaimed first, and the action runs
         * only when it is still over its thresholds (policy/reclaim_plan.h). */
        bool reclaim_first;
        /* Added to [daemon]'s lists for the victims this rule chooses. */
        struct matcher_list prefer, avoid, protect;
        int line; /* line of the section header */
};

#define REPORT_DIR_MAX 1024 /* report_dir, with its NUL */
#define REPORT_DIR_DEFAULT "/var/lib/oomguard/reports"
#define METRICS_FILE_DEFAULT "/run/oomguard/metrics/oomguard.prom"
#define METRICS_LISTEN_MAX 64 /* "[IPv6]:PORT" with its NUL */
#define METRICS_USER_MAX 33   /* a user name (32) with its NUL */

struct daemon_settings {
        uint64_t interval_ns;        /* fallback poll period */
        uint64_t rescan_interval_ns; /* how often the cgroup tree is re-walked */
        bool dry_run;
        uint64_t kill_grace_ns;
        uint64_t post_kill_delay_ns;
        unsigned max_kills_per_minute;     /* >= 1 */
        uint64_t kill_timeout_ns;          /* wait for a victim to exit and its memory to come back */
        struct matcher_list protect;       /* never chosen */
        struct matcher_list prefer, avoid; /* oom_score +/- 300 */
        char *hook;                        /* run after every event (outputs/hook.h); NULL = none */
        uint64_t hook_timeout_ns;          /* then SIGKILL to its process group */
        char report_dir[REPORT_DIR_MAX];   /* "" = no reports */
        unsigned report_max_files;         /* >= 1 */
        uint64_t report_max_bytes;         /* > 0 */
        /* The Prometheus text file ("" = none), rewritten every
         * metrics_interval, and the ADDR:PORT it is served at over HTTP
         * (outputs/metrics_server.h; "" = off). */
        char metrics_file[REPORT_DIR_MAX];
        uint64_t metrics_interval_ns; /* > 0 */
        char metrics_listen[METRICS_LISTEN_MAX];
        char metrics_user[METRICS_USER_MAX]; /* the HTTP process's user; never root */
};

/* What to do with a supervisor that restarts killed children too often. */
enum restart_action { RESTART_WARN = 0, RESTART_STOP, RESTART_KILL, RESTART_CAP_FORKS };
const char *restart_action_to_string(enum restart_action a);

/* [supervisor:NAME]: which processes are supervisors (their children are
 * workers), how many restarts of a killed child are tolerated, and how
 * many unreaped (zombie) children. */
struct supervisor_rule {
        char *name;
        /* "match": any line names a supervisor; a line of cgroup: globs
         * only, those processes of the cgroups that have children. The
         * old "cgroup" key is merged into these lines when loaded. */
        struct matcher_list match;
        unsigned max_restarts; /* 0 = restart loops not watched */
        uint64_t window_ns;
        enum restart_action restart_action;
        unsigned zombies_above;         /* 0 = zombies not watched */
        enum action_kind zombie_action; /* ACTION_KILL or ACTION_WARN */
        bool container_init;            /* a container's PID 1 may be a supervisor to act on */
        int line;
};

struct policy {
        char *source_file;
        struct daemon_settings daemon;
        /* Each array holds n_* rules in cap_* allocated slots (GROW() while loading). */
        struct adjust_rule *adjust; /* [adjust:NAME] in file order: first match wins */
        size_t n_adjust, cap_adjust;
        bool has_global;
        struct rule global;
        struct rule *cgroups;
        size_t n_cgroups, cap_cgroups;
        struct supervisor_rule *supervisors;
        size_t n_supervisors, cap_supervisors;
};

void policy_free(struct policy *p);
/* Human-readable effective policy (for -n / --check-config). */
void policy_print(const struct policy *p, FILE *out);
