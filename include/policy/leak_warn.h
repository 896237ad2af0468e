/* The leak warning's episode: fired once when the trend's forecast
 * (snapshot/trend.h) reaches the limit within the rule's horizon, again
 * only when the forecast halves, cleared when the trend ended. Pure: the
 * daemon emits what it returns (outputs/warning.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outputs/warning.h"
#include "policy/policy.h"
#include "snapshot/trend.h"

struct leak_episode {
        bool active;
        double fired_ttl_s; /* the forecast at the last (re)fire */
        uint64_t fired_ns;  /* when */
};

/* No warning to emit this time. */
#define LEAK_NO_CHANGE (-1)

/* One look at forecast f at now: LEAK_NO_CHANGE, or the enum
 * warning_transition to emit. A rule without a horizon never fires (an
 * open episode ends silently: no CLEARED for a rule that no longer warns). */
int leak_episode_step(struct leak_episode *e, const struct leak_rule *r, const struct trend_forecast *f,
                      uint64_t now_ns);

/* The warning's line, without the rule and cgroup: "working set 2.1GiB
 * of 3.0GiB, growing 35.0MiB/h over the last 6 h: limit in about 26 h";
 * what names the level ("working set", "memory in use"). */
void leak_warning_text(char *buf, size_t size, const char *what, const struct trend_forecast *f, uint64_t level,
                       uint64_t limit, int transition, const struct leak_rule *r);
