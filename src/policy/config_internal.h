/* Internal to src/policy/config_*.c: the state of one load and the calls
 * between the loader's files. Who calls whom (no file calls back up):
 *   config_reader.c    lines, inih, config_load()
 *     -> config_sections.c  headers, keys of a section, rules
 *          -> config_values.c   one value from its text (pure)
 *               -> config_program.c  a program's path checked on disk (hook)
 *          -> config_old_keys.c the old selector keys into match lines
 *     -> config_errors.c    "file:line: ..." messages (called by all three) */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config_keys.h"
#include "policy/config.h"
#include "util.h"

#define CONFIG_KEYS_MAX 64  /* config_n_keys may not exceed it (key_line) */
#define CONFIG_SHOWN_MAX 64 /* longest user text echoed back in a message */
#define CONFIG_WHY_MAX 512  /* a value's reason, without "file:line: key: " */

enum config_sec { SEC_NONE, SEC_IGNORED, SEC_DAEMON, SEC_GLOBAL, SEC_CGROUP, SEC_SUPERVISOR, SEC_ADJUST };

/* config_names.c: the names of the sections already added, per kind
 * (SEC_CGROUP, ...), each with its line. Names are borrowed from the
 * policy being built. */
struct config_name {
        const char *name;
        int kind, line;
};
struct config_names {
        struct config_name *slots;
        size_t cap, n; /* cap: a power of two, at least twice n */
};
int config_names_line(const struct config_names *s, int kind, const char *name);    /* 0: not taken */
int config_names_add(struct config_names *s, int kind, const char *name, int line); /* -ENOMEM */
void config_names_free(struct config_names *s);

struct loader {
        /* the reader's */
        FILE *f;
        const char *name;
        char *line; /* CONFIG_MAX_LINE + 4 bytes */
        bool too_big;
        int lineno;
        int read_errno;
        size_t bytes; /* read so far: stops at CONFIG_MAX_BYTES */
        /* the messages' */
        struct config_errors *errors;
        size_t n_errors; /* added by this load */
        int fatal;       /* -ENOMEM */
        /* the sections': what is being built */
        struct policy pol;
        enum config_sec sec;
        char *header; /* "[cgroup:web]", for messages */
        int header_line;
        bool discard;                   /* duplicate/misnamed section: checked, then dropped */
        struct rule rule;               /* the [global] or [cgroup:] being read */
        struct supervisor_rule sup;     /* the [supervisor:] being read */
        struct adjust_rule adj;         /* the [adjust:] being read */
        struct matcher old_terms;       /* its deprecated one-field selector keys */
        struct daemon_settings scratch; /* a duplicate [daemon] */
        int key_line[CONFIG_KEYS_MAX];  /* line each key was set on; 0 = not yet */
        int daemon_line, global_line;
        struct config_names names; /* the [cgroup:], [supervisor:] and [adjust:] names taken */
};

static inline bool has_prefix(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* config_errors.c */
/* User text made safe and short for a message: control bytes become '?',
 * trailing blanks go, long text is cut with "...". Returns buf. */
const char *config_shown(char buf[static CONFIG_SHOWN_MAX + 4], const char *s);
/* "FILE:LINE: KEY: REASON"; no KEY → "FILE:LINE: REASON"; no line →
 * "FILE: REASON". key is user text and gets config_shown(). */
_printf_(4, 5) void config_error_at(struct loader *L, int line, const char *key, const char *fmt, ...);
/* "FILE:LINE: REASON", kept apart from the errors. */
_printf_(3, 4) void config_warning_at(struct loader *L, int line, const char *fmt, ...);

/* config_values.c: parses the text v of key k into p, the field of k in
 * its section's struct. Returns 0; 1 when the value is kept but spelled
 * the deprecated way, the warning in why; -EINVAL with the reason in why
 * (the field may then hold a partial value, never one to keep); -ENOMEM. */
int config_value_parse(const struct config_key *k, const char *v, void *p, char why[static CONFIG_WHY_MAX]);

/* config_program.c: whether path names a program oomguard may run (the
 * hook): absolute, a regular file, executable; when strict (oomguard runs
 * as root), also owned by root and writable by no one else, and so is
 * every directory above it, symlinks resolved. 0, or -EINVAL with the
 * reason in why. */
/* Writes why a value is refused into why (CONFIG_WHY_MAX); returns -EINVAL. */
_printf_(2, 3) int config_refuse(char *why, const char *fmt, ...);

int config_program_check(const char *path, bool strict, char why[static CONFIG_WHY_MAX]);
/* The policy file (open as fd) as root: owned by root and writable by no
 * one else, nor its directories. Returns 0 or -EINVAL with why. */
int config_file_check_trusted(const char *path, int fd, char why[static CONFIG_WHY_MAX]);

/* config_old_keys.c: the section's old selector keys (L->old_terms) into
 * its match lines: added to every line, or the one line when there is
 * none; each old key warned about at its line, with what to write. */
void config_merge_old_terms(struct loader *L, unsigned section, struct matcher_list *match);

/* config_sections.c */
/* A "[...]" line t (leading blanks stripped): ends the section before and
 * begins the one it names, or reports a malformed header. */
void config_section_line(struct loader *L, const char *t);
/* A "key = value" line of the current section (inih's callback). */
void config_section_key(struct loader *L, const char *name, const char *value);
/* Checks the current section as a whole and adds its rule, or drops it. */
void config_section_end(struct loader *L);
/* Checks of the whole file, once every section has ended. */
void config_sections_check(struct loader *L);
