/* The journal event of an early warning and of its end. */
#include <stdio.h>

#include "outputs/log.h"
#include "outputs/warning.h"
#include "util.h"

const char *warning_kind_to_string(enum warning_kind k) {
        static const char *const names[_WARNING_KIND_MAX] = {
                [WARNING_LEAK] = "leak",
                [WARNING_FAILCNT] = "failcnt",
                [WARNING_HIGH] = "high",
                [WARNING_OOM] = "oom",
        };
        return (unsigned)k < _WARNING_KIND_MAX ? names[k] : "unknown";
}

const char *warning_transition_to_string(enum warning_transition t) {
        switch (t) {
        case WARNING_FIRED:
                return "fired";
        case WARNING_REFIRED:
                return "worse";
        case WARNING_CLEARED:
                return "cleared";
        }
        return "unknown";
}

void warning_log(const struct warning_event *e) {
        char path[512], value[32], threshold[32], ttl[32];
        /* cgroup names are chosen by whoever creates them (a newline would
         * forge a line) */
        sanitize_copy(path, sizeof(path), e->cgroup ? e->cgroup : "/");
        snprintf(value, sizeof(value), "%.6g", e->value);
        snprintf(threshold, sizeof(threshold), "%.6g", e->threshold);
        snprintf(ttl, sizeof(ttl), "%.0f", e->time_to_limit_s);
        const struct log_field fields[] = {
                { "OOMGUARD_RULE", e->rule },
                { "OOMGUARD_CGROUP", path },
                { "OOMGUARD_WARNING", warning_kind_to_string(e->kind) },
                { "OOMGUARD_WARNING_STATE", warning_transition_to_string(e->transition) },
                { "OOMGUARD_VALUE", value },
                { "OOMGUARD_THRESHOLD", threshold },
                { "OOMGUARD_TIME_TO_LIMIT_SEC", e->time_to_limit_s >= 0 ? ttl : "" },
        };
        bool cleared = e->transition == WARNING_CLEARED;
        log_event(cleared ? LOG_NOTICE : LOG_WARNING, cleared ? MSGID_WARNING_CLEARED : MSGID_WARNING, fields,
                  ELEMENTSOF(fields), "rule %s on %s: %s%s%s", e->rule, path, warning_kind_to_string(e->kind),
                  cleared ? " back to normal: " : ": ", e->text);
}
