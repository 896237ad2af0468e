/* The matcher language of oomguard.conf (oomguard.conf(5), MATCHERS): the
 * value of protect, prefer, avoid and the match keys of [supervisor:] and
 * [adjust:]. A matcher is TERM [&& TERM]...: every term must match. A
 * term is FIELD:PATTERN, or a bare REGEX meaning comm:REGEX:
 *   comm:REGEX, cmdline:REGEX   POSIX extended regexes
 *   exe:GLOB, cgroup:GLOB       absolute paths or fnmatch(FNM_PATHNAME) globs
 *   user:NAME|UID               the real uid
 * A key given on several lines matches when any line does. A user is
 * resolved to a uid when the config is loaded (no NSS lookups while
 * memory is short). */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum match_field { MATCH_COMM, MATCH_CMDLINE, MATCH_CGROUP, MATCH_USER, MATCH_EXE, _MATCH_FIELD_MAX };

enum match_kind {
        MATCH_REGEX, /* comm, cmdline; a cgroup regex (the deprecated spelling) */
        MATCH_GLOB,  /* exe, cgroup */
        MATCH_UID,   /* user */
};

struct match_term {
        enum match_field field;
        enum match_kind kind;
        char *pattern; /* as written after "FIELD:" (a glob without trailing '/') */
        regex_t re;    /* MATCH_REGEX */
        uid_t uid;     /* MATCH_UID */
        bool subtree;  /* cgroup: a plain path (no * ? [): it and every cgroup below it */
};

struct matcher {
        struct match_term *terms; /* all must match */
        size_t n_terms;
        char *source; /* the line as written (or as rebuilt), for printing */
};

struct matcher_list {
        struct matcher *items; /* any may match */
        size_t n, cap;         /* cap: slots allocated (GROW) */
};

/* What is known of a process when matching; NULL = not read (yet). */
struct proc_facts {
        const char *comm;
        const char *cmdline; /* arguments joined by spaces */
        const char *cgroup;  /* path in the memory hierarchy */
        const char *exe;     /* readlink of /proc/PID/exe, " (deleted)" cut */
        uid_t uid;
        bool has_uid;
};

/* Parses one matcher line. Returns 0; 1 when it is accepted but uses a
 * deprecated spelling (a regex after cgroup:), with the warning in msg;
 * -EINVAL with the reason in msg; -ENOMEM. */
int matcher_parse(const char *value, struct matcher *ret, char *msg, size_t msgsize);
/* Adds the term FIELD:pattern to m, pattern taken whole (no "&&" split;
 * cgroup is a glob): the old one-field keys of [adjust:] and
 * [supervisor:]. m->source is rebuilt. Returns 0, -EINVAL (reason in
 * msg) or -ENOMEM. */
int matcher_add_term(struct matcher *m, enum match_field field, const char *pattern, char *msg, size_t msgsize);
/* Adds copies of extra's terms to m ("m && extra"); m->source gets
 * " && " and extra's source. 0 or -ENOMEM. */
int matcher_extend(struct matcher *m, const struct matcher *extra);
void matcher_free(struct matcher *m);

int matcher_list_add(struct matcher_list *l, struct matcher *m); /* moves *m */
void matcher_list_free(struct matcher_list *l);

/* The field called name ("comm", ...); -EINVAL for none. */
int match_field_from_string(const char *name, enum match_field *ret);
const char *match_field_to_string(enum match_field f);

/* Which fields a matcher (a list) needs (bitmask of 1 << field), so a
 * caller reads cmdline only when a rule looks at it. */
unsigned matcher_fields(const struct matcher *m);
unsigned matcher_list_fields(const struct matcher_list *l);

/* Whether a cgroup: path may be a matcher: one with a "." or ".." names
 * a view out of our cgroup namespace, only literally, in the kernel's
 * form ("/.." runs first, sources/cgroup_view.h) and with a name after
 * them: "/../app" is a sibling's container, "/.." every sibling at once
 * (a pod's pause container with them), never meant. */
bool matcher_cgroup_path_ok(const char *path);
/* true when every term matches. A term whose field is not in facts does
 * not match. */
bool matcher_match(const struct matcher *m, const struct proc_facts *f);
/* true when some matcher of the list matches. */
bool matcher_list_match(const struct matcher_list *l, const struct proc_facts *f);

/* Whether every process narrow matches, broad matches too: each line of
 * narrow holds every term of some line of broad (same field and pattern;
 * users by uid). */
bool matcher_list_covers(const struct matcher_list *broad, const struct matcher_list *narrow);
