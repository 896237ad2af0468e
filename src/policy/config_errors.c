/* The loader's messages: every error of a file collected as
 * "file:line: key: reason" (up to CONFIG_MAX_ERRORS, the rest counted),
 * warnings kept apart, so that one run shows all mistakes. Formats and
 * stores only: what is wrong is decided by the caller. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

void config_errors_free(struct config_errors *e) {
        for (size_t i = 0; i < e->n; i++)
                free(e->msgs[i]);
        for (size_t i = 0; i < e->n_warnings; i++)
                free(e->warnings[i]);
        *e = (struct config_errors){ 0 };
}

void config_errors_print(const struct config_errors *e, FILE *out) {
        for (size_t i = 0; i < e->n; i++)
                fprintf(out, "%s\n", e->msgs[i]);
        if (e->dropped > 0)
                fprintf(out, "... and %zu more errors\n", e->dropped);
        for (size_t i = 0; i < e->n_warnings; i++)
                fprintf(out, "%s\n", e->warnings[i]);
}

const char *config_shown(char buf[static CONFIG_SHOWN_MAX + 4], const char *s) {
        sanitize_copy(buf, CONFIG_SHOWN_MAX + 1, s);
        size_t n = strlen(buf);
        while (n > 0 && isspace((unsigned char)buf[n - 1]))
                buf[--n] = '\0';
        if (strlen(s) > CONFIG_SHOWN_MAX)
                strcpy(buf + CONFIG_SHOWN_MAX, "...");
        return buf;
}

/* msg NULL: out of memory. */
static void add_error(struct loader *L, char *msg) {
        L->n_errors++;
        if (!msg) {
                L->fatal = -ENOMEM;
                return;
        }
        if (L->errors->n < CONFIG_MAX_ERRORS) {
                L->errors->msgs[L->errors->n++] = msg;
        } else {
                L->errors->dropped++;
                free(msg);
        }
}

void config_error_at(struct loader *L, int line, const char *key, const char *fmt, ...) {
        char *reason = NULL, *msg = NULL, k[CONFIG_SHOWN_MAX + 4];
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&reason, fmt, ap);
        va_end(ap);
        if (r < 0) {
                add_error(L, NULL);
                return;
        }
        if (line <= 0)
                r = asprintf(&msg, "%s: %s", L->name, reason);
        else if (!key)
                r = asprintf(&msg, "%s:%d: %s", L->name, line, reason);
        else
                r = asprintf(&msg, "%s:%d: %s: %s", L->name, line, config_shown(k, key), reason);
        free(reason);
        add_error(L, r < 0 ? NULL : msg);
}

void config_warning_at(struct loader *L, int line, const char *fmt, ...) {
        char *reason = NULL, *msg = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&reason, fmt, ap);
        va_end(ap);
        if (r >= 0 && asprintf(&msg, "%s:%d: %s", L->name, line, reason) < 0)
                msg = NULL;
        free(reason);
        if (!msg)
                L->fatal = -ENOMEM;
        else if (L->errors->n_warnings < CONFIG_MAX_ERRORS)
                L->errors->warnings[L->errors->n_warnings++] = msg;
        else
                free(msg);
}

int config_refuse(char *why, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, CONFIG_WHY_MAX, fmt, ap);
        va_end(ap);
        return -EINVAL;
}
