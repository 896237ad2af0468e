/* One log line per batch of [adjust:] applications (a rescan, one dispatch
 * of connector events, one enforce pass), never one per process, and one
 * more when writes were refused. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "actions/adjust.h"
#include "outputs/log.h"

#define FIELD_RULES_MAX 8

struct line {
        char text[1024];
        size_t off;
        struct log_field fields[FIELD_RULES_MAX + 1];
        size_t n_fields;
        unsigned total;
        char count[16];
};

_printf_(2, 3) static void append(struct line *l, const char *fmt, ...) {
        va_list ap;
        if (l->off >= sizeof(l->text))
                return;
        va_start(ap, fmt);
        int n = vsnprintf(l->text + l->off, sizeof(l->text) - l->off, fmt, ap);
        va_end(ap);
        l->off += n > 0 ? (size_t)n : 0;
}

static void add_rule(struct line *l, const char *name, unsigned n) {
        if (l->n_fields < FIELD_RULES_MAX)
                l->fields[l->n_fields++] = (struct log_field){ "OOMGUARD_ADJUST_RULE", name };
        l->total += n;
}

static void emit(struct line *l, int priority, const char *head) {
        if (l->total == 0)
                return;
        snprintf(l->count, sizeof(l->count), "%u", l->total);
        l->fields[l->n_fields++] = (struct log_field){ "OOMGUARD_ADJUST_COUNT", l->count };
        log_event(priority, MSGID_ADJUST, l->fields, l->n_fields, "adjust: %s%s", head, l->text);
}

static const char *plural(unsigned n) { return n == 1 ? "" : "es"; }

static void log_applied(const struct adjuster *a) {
        struct line l = { .off = 0 };
        for (size_t i = 0; i < a->n_rules; i++) {
                const struct adjust_batch *b = &a->batch[i];
                unsigned n = b->applied + b->corrected;
                if (n == 0)
                        continue;
                append(&l, "%srule %s to %u process%s (%s)", l.total ? "; " : "", a->rules[i].name, n, plural(n),
                       b->samples);
                if (b->corrected)
                        append(&l, ", %u corrected", b->corrected);
                add_rule(&l, a->rules[i].name, n);
        }
        emit(&l, LOG_INFO, a->dry_run ? "dry-run: would apply " : "applied ");
}

/* Below a process's oom_score_adj_min only CAP_SYS_RESOURCE may go. */
static void log_failed(const struct adjuster *a) {
        struct line l = { .off = 0 };
        for (size_t i = 0; i < a->n_rules; i++) {
                const struct adjust_batch *b = &a->batch[i];
                if (b->failed == 0)
                        continue;
                append(&l, "%srule %s (%d) on %u process%s (%s): %s%s", l.total ? "; " : "", a->rules[i].name,
                       a->rules[i].oom_score_adj, b->failed, plural(b->failed), b->fail_samples, strerror(b->err),
                       b->err == EACCES || b->err == EPERM
                               ? " (below the process's oom_score_adj_min: needs CAP_SYS_RESOURCE)"
                               : "");
                add_rule(&l, a->rules[i].name, b->failed);
        }
        emit(&l, LOG_WARNING, "cannot set oom_score_adj: ");
}

/* An exec storm brings a batch per wakeup: the counts add up and one line
 * goes out at most every ADJUST_LOG_NS. */
void adjust_flush(struct adjuster *a) {
        bool any = false;
        a->batch_no++;
        for (size_t i = 0; i < a->n_rules && !any; i++)
                any = a->batch[i].applied || a->batch[i].corrected || a->batch[i].failed;
        uint64_t now = now_ns();
        if (!any || (a->last_log_ns && now - a->last_log_ns < ADJUST_LOG_NS))
                return;
        a->last_log_ns = now;
        log_applied(a);
        log_failed(a);
        memset(a->batch, 0, a->n_rules * sizeof(*a->batch));
}
