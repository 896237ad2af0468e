/* Loading the INI policy with inih. Every error is collected as
 * "file:line: key: reason" so that one run shows all of them. */
#pragma once

#include <stdio.h>

#include "policy/policy.h"

#define CONFIG_MAX_ERRORS 200
/* Longest accepted line, in characters without the newline. Longer lines
 * are an error ("file:N: line too long (max 1024)"), never truncated. */
#define CONFIG_MAX_LINE 1024
/* Largest accepted policy file: 10,000 rules are 0.6 MB. Bigger is refused
 * unread ("file: too big"), and reading stops there on a pipe or device
 * (-c /dev/zero would otherwise fill memory one endless line at a time). */
#define CONFIG_MAX_BYTES (16 << 20)

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
