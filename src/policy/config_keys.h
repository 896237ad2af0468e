/* Internal to src/policy/: the table of config keys (config_keys.c). The
 * loader (config_*.c) parses through it and policy_print.c prints through
 * it, so a new key cannot be forgotten by one of them. Other stages never
 * see it: they get a loaded struct policy. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum config_section_mask {
        CONFIG_SEC_DAEMON = 1 << 0,
        CONFIG_SEC_GLOBAL = 1 << 1,
        CONFIG_SEC_CGROUP = 1 << 2,
        CONFIG_SEC_SUPERVISOR = 1 << 3,
        CONFIG_SEC_ADJUST = 1 << 4,
};

enum config_type {
        CONFIG_DURATION,       /* uint64_t ns */
        CONFIG_BOOL,           /* bool */
        CONFIG_MATCHERS,       /* struct matcher_list; the key may repeat, each adds one */
        CONFIG_OLD_TERM,       /* a deprecated one-field selector: a term of the loader's
                                * old_terms, merged into the section's match lines */
        CONFIG_UINT,           /* unsigned */
        CONFIG_SIZE_PCT,       /* struct size_or_pct */
        CONFIG_PERCENT,        /* double 0..100, < 0 unset */
        CONFIG_RATE,           /* double >= 0, < 0 unset */
        CONFIG_WATERMARK,      /* enum watermark_level */
        CONFIG_ACTION,         /* enum action_kind */
        CONFIG_PATH,           /* char *, absolute fnmatch glob */
        CONFIG_RESTART_ACTION, /* enum restart_action */
        CONFIG_OOM_ADJ,        /* int -1000..1000, ADJUST_UNSET unset */
        CONFIG_THRESHOLDS,     /* enum thresholds_mode */
        CONFIG_PROGRAM,        /* char *, an absolute path to a program oomguard may run (config_program.c) */
        CONFIG_DIR,            /* char[REPORT_DIR_MAX], an absolute directory (or file: CONFIG_F_FILE) */
        CONFIG_SIZE,           /* uint64_t bytes */
        CONFIG_LISTEN,         /* char[METRICS_LISTEN_MAX], a numeric ADDR:PORT (parse_listen_addr) */
        CONFIG_USER,           /* char[METRICS_USER_MAX], an existing user other than root */
};

#define CONFIG_F_NONZERO 1u         /* 0 is refused (a zero poll interval spins) */
#define CONFIG_F_ZERO_UNSET 2u      /* a duration of 0 means unset (printed as such) */
#define CONFIG_F_INSIDE_LIMIT 4u    /* a size > 0, or a percentage strictly between 0 and 100 */
#define CONFIG_F_NO_KILL_CGROUP 8u  /* an action, not kill-cgroup ([global] has no cgroup) */
#define CONFIG_F_KILL_OR_WARN 16u   /* an action, kill or warn only (zombie_action) */
#define CONFIG_F_SELECTOR 32u       /* says which processes an [adjust:] rule is for: one is needed */
#define CONFIG_F_DEPRECATED 64u     /* an old spelling: read (and warned about), never printed */
#define CONFIG_F_EMPTY_OK 128u      /* "key =" is a value: "" (report_dir = turns reports off) */
#define CONFIG_F_ANY_IS_ZERO 256u   /* a rate: "any" is 0 (any event), printed as such */
#define CONFIG_F_FILE 512u          /* CONFIG_DIR that names a file: no trailing '/' (metrics_file) */
#define CONFIG_F_TREND_WINDOW 1024u /* a duration from CONFIG_TREND_WINDOW_MIN to _MAX (leak_window) */
#define CONFIG_TREND_WINDOW_MIN_S 10
#define CONFIG_TREND_WINDOW_MAX_S (30 * 24 * 3600)

struct config_key {
        const char *name;
        unsigned sections; /* enum config_section_mask bits */
        enum config_type type;
        size_t offset;  /* in struct daemon_settings ([daemon]), struct rule
                            * ([global], [cgroup:]), struct supervisor_rule or
                            * struct adjust_rule */
        unsigned flags; /* CONFIG_F_* */
};

extern const struct config_key config_keys[];
extern const size_t config_n_keys;

/* The value of key k in base (the struct its section is stored in). */
#define CONFIG_AT(type, base, k) ((const type *)((const char *)(base) + (k)->offset))

/* The entry of key name valid in one of sections (a key such as protect
 * has one entry per struct it is stored in); NULL when none. */
const struct config_key *config_key_find(const char *name, unsigned sections);
/* Every section name is valid in; 0 for an unknown key. */
unsigned config_key_sections(const char *name);
/* "[daemon]", "[global]", "[cgroup:NAME]", "[global] and [cgroup:NAME]"... */
const char *config_sections_string(unsigned sections);
/* Whether the value at base + k->offset is set. */
bool config_value_is_set(const struct config_key *k, const void *base);
