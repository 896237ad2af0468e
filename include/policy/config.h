/* Loading the INI policy with inih. Every error is collected as
 * "file:line: key: reason" so that one run shows all of them. */
#pragma once

#include <stdio.h>

#include "policy/policy.h"

#define CONFIG_MAX_ERRORS 200
/* Longest accepted line, in characters without the newline. Longer lines
 * are an error ("file:N: line too long (max 1024)"), never truncated. */
#define CONFIG_MAX_LINE 1024

struct config_errors {
        char *msgs[CONFIG_MAX_ERRORS];
        size_t n;
        size_t dropped; /* errors beyond CONFIG_MAX_ERRORS */
        /* Doubts that do not refuse the file ("never applies: shadowed"). */
        char *warnings[CONFIG_MAX_ERRORS];
        size_t n_warnings;
};

void config_errors_free(struct config_errors *e);
/* Errors, then warnings, one per line. */
void config_errors_print(const struct config_errors *e, FILE *out);

/* errors must be zeroed before the first call; messages are appended. */
/* Loads path into *ret (fully replaced on success). On failure returns
 * -EINVAL (errors in *errors) or -errno (file unreadable, also reported in
 * *errors), and leaves *ret untouched. */
int config_load(const char *path, struct policy *ret, struct config_errors *errors);
/* Same, from a stream; name is used in messages. */
int config_load_stream(FILE *f, const char *name, struct policy *ret, struct config_errors *errors);
/* Note: on success *ret is overwritten, not freed: the caller frees an
 * old policy it replaces (policy_free). */

/* The key table, shared by the loader and policy_print. */
enum config_section_mask {
        CONFIG_SEC_DAEMON = 1 << 0,
        CONFIG_SEC_GLOBAL = 1 << 1,
        CONFIG_SEC_CGROUP = 1 << 2,
        CONFIG_SEC_SUPERVISOR = 1 << 3,
        CONFIG_SEC_ADJUST = 1 << 4,
};

enum config_type {
        CONFIG_DURATION,  /* uint64_t ns */
        CONFIG_BOOL,      /* bool */
        CONFIG_MATCHERS,  /* struct matcher_list; the key may repeat, each adds one */
        CONFIG_UINT,      /* unsigned */
        CONFIG_SIZE_PCT,  /* struct size_or_pct */
        CONFIG_PERCENT,   /* double 0..100, < 0 unset */
        CONFIG_RATE,      /* double >= 0, < 0 unset */
        CONFIG_WATERMARK, /* enum watermark_level */
        CONFIG_ACTION,    /* enum action_kind */
        CONFIG_PATH,      /* char *, absolute fnmatch glob */
        CONFIG_RESTART_ACTION, /* enum restart_action */
        CONFIG_EXE,       /* char *, absolute file path or fnmatch glob */
        CONFIG_REGEX,     /* struct regex_value */
        CONFIG_USER,      /* struct user_value */
        CONFIG_OOM_ADJ,   /* int -1000..1000, ADJUST_UNSET unset */
};

#define CONFIG_F_NONZERO 1u   /* 0 is refused (a zero poll interval spins) */
#define CONFIG_F_ZERO_UNSET 2u /* a duration of 0 means unset (printed as such) */
#define CONFIG_F_INSIDE_LIMIT 4u /* a size > 0, or a percentage strictly between 0 and 100 */

struct config_key {
        const char *name;
        unsigned sections; /* enum config_section_mask bits */
        enum config_type type;
        size_t offset;     /* in struct daemon_settings ([daemon]), struct rule
                            * ([global], [cgroup:]) or struct adjust_rule */
        unsigned flags;    /* CONFIG_F_* */
};

extern const struct config_key config_keys[];
extern const size_t config_n_keys;

/* The entry of key name valid in one of sections (a key such as protect
 * has one entry per struct it is stored in); NULL when none. */
const struct config_key *config_key_find(const char *name, unsigned sections);
/* Every section name is valid in; 0 for an unknown key. */
unsigned config_key_sections(const char *name);
/* "[daemon]", "[global]", "[cgroup:NAME]", "[global] and [cgroup:NAME]"... */
const char *config_sections_string(unsigned sections);
/* Whether the value at base + k->offset is set. */
bool config_value_is_set(const struct config_key *k, const void *base);
/* The value at base + k->offset as the config spells it: "key = value\n"
 * (one line per matcher of a CONFIG_MATCHERS key), "# key = (unset)\n"
 * when unset. */
void config_key_print(const struct config_key *k, const void *base, FILE *out);
