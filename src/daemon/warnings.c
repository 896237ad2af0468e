/* One warning: the journal, a report, the hook. */
#include <stdio.h>

#include "guard.h"
#include "warnings.h"

static void report_warning(struct guard *g, const struct warning_event *e) {
        struct report *r = reports_begin_action(g);
        if (!r)
                return;
        r->kind = REPORT_WARNING;
        snprintf(r->rule, sizeof(r->rule), "%s", e->rule);
        snprintf(r->action, sizeof(r->action), "warn");
        snprintf(r->reason, sizeof(r->reason), "%s %s: %s", warning_kind_to_string(e->kind),
                 warning_transition_to_string(e->transition), e->text);
        snprintf(r->outcome, sizeof(r->outcome), "%s", e->transition == WARNING_CLEARED ? "back to normal" : "warned");
        if (e->cgroup) {
                r->cgroup.has = true;
                snprintf(r->cgroup.path, sizeof(r->cgroup.path), "%s", e->cgroup);
                r->cgroup.derived.time_to_limit_s = e->time_to_limit_s;
        }
        reports_keep(g, r, true);
        reports_flush(g, true); /* off the kill path: now */
}

void warnings_emit(struct guard *g, const struct warning_event *e) {
        warning_log(e);
        metrics_wire_warning(g, e);
        report_warning(g, e);
}
