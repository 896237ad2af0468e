/* libFuzzer entry for the whole config loader: the input is an
 * oomguard.conf, read by config_load_stream() (fmemopen) as the daemon
 * reads a file: lines, inih, sections, keys, values, whole-file checks.
 * What must hold: every message is one line of printable text naming the
 * file, at most CONFIG_MAX_ERRORS of each kind are kept; a policy that
 * loads prints (policy_print) as text that loads again and prints the
 * same (print -> load -> print is a fixed point); everything is freed
 * (LeakSanitizer). The hook's path is checked by a stand-in below, not on
 * disk, and user names by a table, not NSS: the result may not depend on
 * this machine's files, and no program is ever run. Seeds: tests/fuzz/corpus/config, etc/oomguard.conf, the
 * tests/badconf cases and the man page's examples (tests/fuzz/run.sh). */
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config.h"
#include "policy/config_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.conf"

/* config_program.c is not linked: the hook is any absolute path but one
 * under /refused/ (so both answers are reached), decided by the text alone. */
int config_program_check(const char *path, bool strict, char why[static CONFIG_WHY_MAX]) {
        if (path[0] != '/' || has_prefix(path, "/refused/"))
                return config_refuse(why, "not a program (fuzzing stand-in)");
        return 0;
}

int config_file_check_trusted(const char *path, int fd, char why[static CONFIG_WHY_MAX]) { return 0; }

/* user:NAME and metrics_user ask NSS (this machine's /etc/passwd) in the daemon; here a
 * fixed table answers (the program's definition wins over the C library's). */
struct passwd *getpwnam(const char *name) {
        static struct passwd pw;
        static const struct {
                const char *name;
                uid_t uid;
        } users[] = { { "root", 0 }, { "postgres", 70 }, { "nobody", 65534 } };
        for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
                if (strcmp(name, users[i].name) == 0) {
                        pw = (struct passwd){ .pw_name = (char *)users[i].name,
                                              .pw_uid = users[i].uid,
                                              .pw_gid = users[i].uid };
                        return &pw;
                }
        return NULL;
}

static void fail(const char *what, const char *a, const char *b) {
        fprintf(stderr, "fuzz_config: %s\n--- first\n%s\n--- second\n%s\n", what, a, b ? b : "");
        __builtin_trap();
}

/* One line, printable (user text is shown sanitized), naming the file. */
static void check_messages(char *const *msgs, size_t n) {
        for (size_t i = 0; i < n; i++) {
                if (!has_prefix(msgs[i], NAME ":"))
                        fail("message does not name the file", msgs[i], NULL);
                for (const unsigned char *c = (const unsigned char *)msgs[i]; *c; c++)
                        if (*c < 0x20 || *c == 0x7f)
                                fail("control byte in a message", msgs[i], NULL);
        }
}

static int load(const char *text, size_t len, struct policy *p, struct config_errors *e) {
        FILE *f = fmemopen((void *)text, len, "r");
        if (!f)
                return -1;
        int r = config_load_stream(f, NAME, p, e);
        fclose(f);
        if (e->n > CONFIG_MAX_ERRORS || e->n_warnings > CONFIG_MAX_ERRORS)
                fail("too many messages kept", text, NULL);
        check_messages(e->msgs, e->n);
        check_messages(e->warnings, e->n_warnings);
        if ((r == 0) != (e->n == 0 && e->dropped == 0))
                fail("the result and the errors disagree", text, NULL);
        return r;
}

static char *print(const struct policy *p, size_t *len) {
        char *out = NULL;
        FILE *m = open_memstream(&out, len);
        if (!m)
                return NULL;
        policy_print(p, m);
        fclose(m);
        return out;
}

/* A policy that loaded prints, loads again and prints the same. */
static void check_fixed_point(const struct policy *p) {
        size_t n1 = 0, n2 = 0;
        char *t1 = print(p, &n1);
        if (!t1)
                return;
        struct config_errors e = { 0 };
        struct policy q;
        if (load(t1, n1, &q, &e) != 0) {
                char *errs = NULL;
                size_t n = 0;
                FILE *m = open_memstream(&errs, &n);
                if (m) {
                        config_errors_print(&e, m);
                        fclose(m);
                }
                fail("the printed policy does not load", t1, errs);
        }
        char *t2 = print(&q, &n2);
        if (t2 && strcmp(t1, t2) != 0)
                fail("print -> load -> print changed the policy", t1, t2);
        free(t2);
        free(t1);
        policy_free(&q);
        config_errors_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        /* fmemopen of 0 bytes is refused: an empty file is one newline. */
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\n';
        struct config_errors e = { 0 };
        struct policy p;
        if (load(text, size ? size : 1, &p, &e) == 0) {
                check_fixed_point(&p);
                policy_free(&p);
        }
        config_errors_free(&e);
        free(text);
        return 0;
}
