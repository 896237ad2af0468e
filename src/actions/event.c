/* The one structured event per action. */
#include <stdio.h>

#include "actions/actuator.h"
#include "outputs/log.h"
#include "util.h"

void action_log_event(const char *actuator, const struct decision *d, const char *outcome) {
        char usage[32], limit[32], pct[16], path[512];
        const struct cgroup_view *cg = d->cgroup;
        /* cgroup names are chosen by whoever creates them: no control
         * characters reach the log (a newline would forge a line). */
        sanitize_copy(path, sizeof(path), cg ? cg->path : "/");
        snprintf(pct, sizeof(pct), "%.1f", cg ? cg->d.pct_of_limit : -1.0);
        const struct log_field fields[] = {
                { "OOMGUARD_RULE", d->rule->name },
                { "OOMGUARD_ACTION", action_kind_to_string(d->action) },
                { "OOMGUARD_MODE", actuator },
                { "OOMGUARD_CGROUP", path },
                { "OOMGUARD_REASON", d->reason },
                { "OOMGUARD_USAGE", cg ? format_bytes(usage, sizeof(usage), cg->stats.usage) : "-" },
                { "OOMGUARD_LIMIT", cg ? format_bytes(limit, sizeof(limit), cg->stats.limit) : "-" },
                { "OOMGUARD_PERCENT", cg ? pct : "-" },
                { "OOMGUARD_OUTCOME", outcome },
        };
        log_event(LOG_WARNING, MSGID_ACTION, fields, ELEMENTSOF(fields),
                  "%s%s: rule %s on %s: %s", actuator[0] == 'd' ? "dry-run: would " : "",
                  action_kind_to_string(d->action), d->rule->name, path, d->reason);
}
