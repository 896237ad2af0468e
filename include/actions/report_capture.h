/* An action's part of its forensic report (outputs/report.h). */
#pragma once

#include "actions/actuator.h"
#include "outputs/report.h"

/* On the kill path, after the choice and before the signal: the victim's
 * command line and the scope's task counts, into rep (bounded reads, no
 * allocation). Does nothing when ctx->report is NULL (reports off). */
void action_capture_before(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep);

/* Copies what the action knew (rule, reason, outcome, victim, candidates,
 * task counts, the cgroup's numbers at the decision) into out, which
 * report_begin() started. */
void action_report_fill(const struct action_ctx *ctx, const char *actuator, const struct decision *d,
                        const struct action_report *rep, struct report *out);
