/* The sections of oomguard.conf: a "[...]" header ends the section before
 * and begins the next (its name checked, its rule created); each
 * "key = value" is looked up in the key table for the section and its
 * value parsed into the rule being read; the end of a section checks the
 * rule as a whole and adds it to the policy, or drops it. Whole-file
 * checks run once the last section has ended. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "policy_internal.h"
#include "policy/tripwire.h"

static unsigned section_mask(enum config_sec s) {
        switch (s) {
        case SEC_DAEMON:
                return CONFIG_SEC_DAEMON;
        case SEC_GLOBAL:
                return CONFIG_SEC_GLOBAL;
        case SEC_CGROUP:
                return CONFIG_SEC_CGROUP;
        case SEC_SUPERVISOR:
                return CONFIG_SEC_SUPERVISOR;
        case SEC_ADJUST:
                return CONFIG_SEC_ADJUST;
        default:
                return 0;
        }
}

/* ---- keys ---- */

/* Where key k of the current section is stored. */
static void *value_ptr(struct loader *L, const struct config_key *k) {
        char *base;
        if (k->type == CONFIG_OLD_TERM)
                return &L->old_terms; /* merged at the section's end */
        if (L->sec == SEC_DAEMON)
                base = (char *)(L->discard ? &L->scratch : &L->pol.daemon);
        else if (L->sec == SEC_SUPERVISOR)
                base = (char *)&L->sup;
        else if (L->sec == SEC_ADJUST)
                base = (char *)&L->adj;
        else
                base = (char *)&L->rule;
        return base + k->offset;
}

/* The table entry of key name in the current section; NULL when the key
 * has none here (reported). */
static const struct config_key *find_key(struct loader *L, const char *name) {
        unsigned valid_in = config_key_sections(name);
        if (L->sec == SEC_NONE) {
                if (valid_in)
                        config_error_at(L, L->lineno, name, "outside any section (it belongs in %s)",
                                        config_sections_string(valid_in));
                else
                        config_error_at(L, L->lineno, name, "outside any section");
                return NULL;
        }
        if (!valid_in) {
                config_error_at(L, L->lineno, name, "unknown key in %s", config_sections_string(section_mask(L->sec)));
                return NULL;
        }
        const struct config_key *k = config_key_find(name, section_mask(L->sec));
        if (!k)
                config_error_at(L, L->lineno, name, "only valid in %s", config_sections_string(valid_in));
        return k;
}

void config_section_key(struct loader *L, const char *name, const char *value) {
        if (L->sec == SEC_IGNORED) /* its header was reported already */
                return;
        const struct config_key *k = find_key(L, name);
        if (!k)
                return;
        /* Matchers are lists: every line adds one. */
        size_t i = (size_t)(k - config_keys);
        if (L->key_line[i] && k->type != CONFIG_MATCHERS) {
                config_error_at(L, L->lineno, name, "duplicate key (first set on line %d)", L->key_line[i]);
                return;
        }
        if (!L->key_line[i])
                L->key_line[i] = L->lineno;
        if ((!value || !*value) && !(k->flags & CONFIG_F_EMPTY_OK)) {
                config_error_at(L, L->lineno, name, "empty value");
                return;
        }
        char why[CONFIG_WHY_MAX];
        int r = config_value_parse(k, value, value_ptr(L, k), why);
        if (r == -ENOMEM)
                L->fatal = -ENOMEM;
        else if (r < 0)
                config_error_at(L, L->lineno, k->name, "%s", why);
        else if (r > 0)
                config_warning_at(L, L->lineno, "%s: %s", k->name, why);
}

/* Whether key name of the current section appeared (valid or not). */
static bool key_given(const struct loader *L, const char *name) {
        const struct config_key *k = config_key_find(name, section_mask(L->sec));
        return k && L->key_line[k - config_keys];
}

/* Whether a key of the current section with flag appeared (valid or not). */
static bool flagged_key_given(const struct loader *L, unsigned flag) {
        for (size_t i = 0; i < config_n_keys; i++)
                if ((config_keys[i].sections & section_mask(L->sec)) && (config_keys[i].flags & flag) && L->key_line[i])
                        return true;
        return false;
}

/* ---- the end of a section ---- */

/* The line a key of the current section was set on (0 = not set). */
static int key_line_of(const struct loader *L, const char *name) {
        const struct config_key *k = config_key_find(name, section_mask(L->sec));
        return k ? L->key_line[k - config_keys] : 0;
}

static void check_tripwire(struct loader *L) {
        char why[CONFIG_WHY_MAX];
        const struct rule *r = &L->rule;
        if (r->tripwire.kind != SIZE_UNSET &&
            tripwire_hides_threshold(&r->tripwire, &r->th.usage_above, &r->th.headroom_below, why, sizeof(why)))
                config_error_at(L, key_line_of(L, "tripwire"), "tripwire", "%s", why);
}

static void end_rule(struct loader *L) {
        if (L->sec == SEC_CGROUP && !L->rule.path_glob)
                config_error_at(L, L->header_line, L->header, "missing path");
        if (!thresholds_any_set(&L->rule.th) && !L->rule.oom_handler && !alarm_rule_any_set(&L->rule.alarms) &&
            !L->rule.leak.warn_within_ns)
                config_error_at(L, L->header_line, L->header, "no threshold set; the rule would never fire");
        check_tripwire(L);
        if (L->discard) {
                rule_free(&L->rule);
        } else if (L->sec == SEC_GLOBAL) {
                L->pol.global = L->rule;
                L->pol.has_global = true;
        } else if (GROW(L->pol.cgroups, L->pol.cap_cgroups, L->pol.n_cgroups + 1) < 0) {
                rule_free(&L->rule);
                L->fatal = -ENOMEM;
        } else {
                L->pol.cgroups[L->pol.n_cgroups++] = L->rule;
                if (config_names_add(&L->names, SEC_CGROUP, L->rule.name, L->rule.line) < 0)
                        L->fatal = -ENOMEM;
        }
        L->rule = (struct rule){ 0 };
}

static void end_supervisor(struct loader *L) {
        config_merge_old_terms(L, CONFIG_SEC_SUPERVISOR, &L->sup.match);
        if (!L->sup.match.n)
                config_error_at(L, L->header_line, L->header,
                                "say which processes are supervisors (match = FIELD:PATTERN)");
        if (L->discard) {
                supervisor_rule_free(&L->sup);
        } else if (GROW(L->pol.supervisors, L->pol.cap_supervisors, L->pol.n_supervisors + 1) < 0) {
                supervisor_rule_free(&L->sup);
                L->fatal = -ENOMEM;
        } else {
                L->pol.supervisors[L->pol.n_supervisors++] = L->sup;
                if (config_names_add(&L->names, SEC_SUPERVISOR, L->sup.name, L->sup.line) < 0)
                        L->fatal = -ENOMEM;
        }
        L->sup = (struct supervisor_rule){ 0 };
}

/* A key given with a bad value was reported already: no second error. */
static void end_adjust(struct loader *L) {
        config_merge_old_terms(L, CONFIG_SEC_ADJUST, &L->adj.match);
        if (!flagged_key_given(L, CONFIG_F_SELECTOR))
                config_error_at(L, L->header_line, L->header,
                                "no match; say which processes it is for (match = FIELD:PATTERN)");
        if (!key_given(L, "oom_score_adj"))
                config_error_at(L, L->header_line, L->header, "missing oom_score_adj");
        if (L->discard) {
                adjust_rule_free(&L->adj);
        } else if (GROW(L->pol.adjust, L->pol.cap_adjust, L->pol.n_adjust + 1) < 0) {
                adjust_rule_free(&L->adj);
                L->fatal = -ENOMEM;
        } else {
                L->pol.adjust[L->pol.n_adjust++] = L->adj;
                if (config_names_add(&L->names, SEC_ADJUST, L->adj.name, L->adj.line) < 0)
                        L->fatal = -ENOMEM;
        }
        L->adj = (struct adjust_rule){ 0 };
}

/* Keys that need another: metrics_listen serves metrics_file. */
static void end_daemon(struct loader *L) {
        const struct config_key *k = config_key_find("metrics_listen", CONFIG_SEC_DAEMON);
        int line = k ? L->key_line[k - config_keys] : 0;
        const struct daemon_settings *d = L->discard ? &L->scratch : &L->pol.daemon;
        if (line && d->metrics_listen[0] && !d->metrics_file[0])
                config_error_at(L, line, "metrics_listen", "needs metrics_file (the file it serves)");
        if (L->discard)
                daemon_settings_free(&L->scratch);
}

void config_section_end(struct loader *L) {
        switch (L->sec) {
        case SEC_DAEMON:
                end_daemon(L);
                break;
        case SEC_GLOBAL:
        case SEC_CGROUP:
                end_rule(L);
                break;
        case SEC_SUPERVISOR:
                end_supervisor(L);
                break;
        case SEC_ADJUST:
                end_adjust(L);
                break;
        default:
                break;
        }
        matcher_free(&L->old_terms); /* merged, unless the section was not one that has them */
        L->sec = SEC_NONE;
        L->discard = false;
}

/* ---- the beginning of a section ---- */

/* Letters, digits and a few marks: names end up in logs and journal fields. */
static bool rule_name_valid(const char *s) {
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && !strchr("-_.@", *s))
                        return false;
        return true;
}

/* An empty or ill-formed rule name: reported, the section is discarded. */
static bool rule_name_bad(struct loader *L, const char *name) {
        if (!*name)
                config_error_at(L, L->lineno, L->header, "empty rule name");
        else if (!rule_name_valid(name))
                config_error_at(L, L->lineno, L->header, "invalid rule name (use letters, digits, '-', '_', '.', '@')");
        else
                return false;
        return true;
}

/* A second section of a name first seen on first_line: reported, dropped. */
static void duplicate(struct loader *L, int first_line) {
        config_error_at(L, L->lineno, L->header, "duplicate section (first on line %d)", first_line);
        L->discard = true;
}

/* A section that may appear once; returns whether this is the first. */
static bool begin_once(struct loader *L, int *first_line) {
        if (*first_line) {
                duplicate(L, *first_line);
                return false;
        }
        *first_line = L->lineno;
        return true;
}

static void begin_daemon(struct loader *L) {
        if (!begin_once(L, &L->daemon_line)) {
                struct policy defaults;
                policy_init_defaults(&defaults);
                L->scratch = defaults.daemon;
        }
        L->sec = SEC_DAEMON;
}

/* [global], or [cgroup:NAME] with name the NAME. */
static void begin_rule(struct loader *L, bool global, const char *name) {
        if (rule_init(&L->rule, global ? RULE_GLOBAL : RULE_CGROUP, name) < 0) {
                L->fatal = -ENOMEM;
                L->sec = SEC_IGNORED;
                return;
        }
        L->rule.line = L->lineno;
        if (global) {
                begin_once(L, &L->global_line);
                L->sec = SEC_GLOBAL;
                return;
        }
        L->discard = rule_name_bad(L, name);
        int first = config_names_line(&L->names, SEC_CGROUP, name);
        if (!L->discard && first)
                duplicate(L, first);
        L->sec = SEC_CGROUP;
}

static void begin_supervisor(struct loader *L, const char *name) {
        if (supervisor_rule_init(&L->sup, name) < 0) {
                L->fatal = -ENOMEM;
                L->sec = SEC_IGNORED;
                return;
        }
        L->sup.line = L->lineno;
        L->sec = SEC_SUPERVISOR;
        L->discard = rule_name_bad(L, name);
        int first = config_names_line(&L->names, SEC_SUPERVISOR, name);
        if (!L->discard && first)
                duplicate(L, first);
}

static void begin_adjust(struct loader *L, const char *name) {
        L->sec = SEC_ADJUST;
        if (adjust_rule_init(&L->adj, name) < 0) {
                L->fatal = -ENOMEM;
                L->sec = SEC_IGNORED;
                return;
        }
        L->adj.line = L->lineno;
        L->discard = rule_name_bad(L, name);
        int first = config_names_line(&L->names, SEC_ADJUST, name);
        if (!L->discard && first)
                duplicate(L, first);
}

/* name is what stands between the brackets. */
static void section_begin(struct loader *L, const char *name) {
        config_section_end(L);
        memset(L->key_line, 0, sizeof(L->key_line));
        L->header_line = L->lineno;
        free(L->header);
        if (asprintf(&L->header, "[%s]", name) < 0) {
                L->header = NULL;
                L->fatal = -ENOMEM;
                L->sec = SEC_IGNORED;
                return;
        }
        if (strcmp(name, "daemon") == 0)
                begin_daemon(L);
        else if (strcmp(name, "global") == 0)
                begin_rule(L, true, "global");
        else if (has_prefix(name, "cgroup:"))
                begin_rule(L, false, name + strlen("cgroup:"));
        else if (has_prefix(name, "supervisor:"))
                begin_supervisor(L, name + strlen("supervisor:"));
        else if (has_prefix(name, "adjust:"))
                begin_adjust(L, name + strlen("adjust:"));
        else {
                L->sec = SEC_IGNORED;
                config_error_at(L, L->lineno, L->header,
                                "unknown section (expected [daemon], [global], "
                                "[cgroup:NAME], [supervisor:NAME] or [adjust:NAME])");
        }
}

/* The header must be closed, with at most a comment after. */
void config_section_line(struct loader *L, const char *t) {
        const char *close = strchr(t, ']');
        const char *rest = close ? close + 1 : "";
        while (isspace((unsigned char)*rest))
                rest++;
        if (!close || (*rest && *rest != ';' && *rest != '#')) {
                config_section_end(L);
                L->sec = SEC_IGNORED; /* its keys would only add noise */
                config_error_at(L, L->lineno, t,
                                close ? "unexpected text after ']'" : "missing ']' at the end of the section header");
                return;
        }
        char *name = strndup(t + 1, (size_t)(close - t - 1));
        if (!name) {
                L->fatal = -ENOMEM;
                return;
        }
        section_begin(L, name);
        free(name);
}

/* ---- the whole file ---- */

/* First match wins: a rule no narrower than a later one hides it. */
static void warn_shadowed(struct loader *L) {
        const struct adjust_rule *a = L->pol.adjust;
        for (size_t j = 1; j < L->pol.n_adjust; j++)
                for (size_t i = 0; i < j; i++)
                        if (adjust_rule_shadows(&a[i], &a[j])) {
                                config_warning_at(L, a[j].line,
                                                  "[adjust:%s]: never applies: shadowed by "
                                                  "[adjust:%s] (line %d)",
                                                  a[j].name, a[i].name, a[i].line);
                                break;
                        }
}

/* Any one kind of rule section alone is a policy; none at all (an empty
 * file, [daemon] only) guards nothing and is refused as a mistake. */
void config_sections_check(struct loader *L) {
        const struct policy *p = &L->pol;
        if (L->n_errors == 0 && !p->has_global && !p->n_cgroups && !p->n_supervisors && !p->n_adjust)
                config_error_at(L, 0, NULL,
                                "no [global], [cgroup:NAME], [supervisor:NAME] or [adjust:NAME] rule; nothing to do");
        if (L->n_errors == 0)
                warn_shadowed(L);
}
