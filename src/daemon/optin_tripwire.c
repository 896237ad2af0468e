/* v2 memory.high tripwire (see daemon/optin.h, policy/tripwire.h). */
#include <stdio.h>
#include <string.h>

#include "daemon/optin.h"
#include "outputs/log.h"
#include "policy/tripwire.h"

/* The throttle at memory.high raised memory.events' "high": say so in
 * the events this tick logs. */
static void label_wakeup(struct guard *g, size_t i, uint64_t high_events) {
        struct watched_cgroup *w = &g->cgroups.items[i];
        if (w->tripwire && high_events > w->high_events && g->last_wake.kind == WAKE_V2_EVENTS &&
            g->last_wake.cgroup == (int)i)
                g->last_wake.kind = WAKE_V2_TRIPWIRE;
        w->high_events = high_events;
}

/* Someone wrote memory.high since: theirs now, the mode is off for it. */
static bool taken_over(struct guard *g, struct watched_cgroup *w, uint64_t high, const char *path) {
        if (!w->tripwire || high == w->tripwire)
                return false;
        char a[32];
        log_notice("cgroup %s: memory.high changed to %s by someone else: tripwire off for it", w->path,
                   high == BYTES_UNLIMITED ? "max" : format_bytes(a, sizeof(a), high));
        (void)optin_put_back(g, RESTORE_MEMORY_HIGH, path, "changed by someone else"); /* drops it */
        w->tripwire = 0;
        w->optin_refused = true;
        return true;
}

static void refuse(struct guard *g, struct watched_cgroup *w, const char *path, const char *why) {
        if (w->tripwire)
                (void)optin_put_back(g, RESTORE_MEMORY_HIGH, path, why);
        w->tripwire = 0;
        w->optin_refused = true;
}

static void set_level(struct guard *g, struct watched_cgroup *w, const struct memcg_stats *st,
                      uint64_t level, const char *path) {
        char orig[RESTORE_VALUE_MAX], ours[RESTORE_VALUE_MAX], a[32], b[32];
        restore_value_format(st->high, orig);
        restore_value_format(level, ours);
        if (optin_record(g, RESTORE_MEMORY_HIGH, path, orig, ours) < 0) {
                w->optin_refused = true;
                return;
        }
        int r = write_file_at("/", path, ours);
        if (r < 0) {
                log_warning("cgroup %s: cannot write memory.high: %s", w->path, strerror(-r));
                (void)optin_put_back(g, RESTORE_MEMORY_HIGH, path, "write failed"); /* drops it */
                w->optin_refused = true;
                return;
        }
        log_info("cgroup %s: memory.high tripwire at %s (memory.max %s; it was %s)", w->path,
                 format_bytes(a, sizeof(a), level), format_bytes(b, sizeof(b), st->limit), w->tripwire ? "ours" : orig);
        w->tripwire = level;
        w->high_events = st->high_events;
}

void optin_tripwire_tick(struct guard *g, size_t i) {
        struct watched_cgroup *w = &g->cgroups.items[i];
        const struct memcg_stats *st = &g->cgroups.views[i].stats;
        const struct rule *rule = &g->policy.cgroups[w->rule_index];
        char path[4096], a[32];
        label_wakeup(g, i, st->high_events);
        if (w->tripwire_for == st->limit && (w->tripwire || w->optin_refused))
                return; /* nothing new: the usual tick */
        if (optin_cgroup_file(g, w, "memory.high", path, sizeof(path)) < 0 || taken_over(g, w, st->high, path))
                return;
        w->tripwire_for = st->limit;
        uint64_t level;
        int r = tripwire_level(&rule->tripwire, st->limit, (uint64_t)sysconf(_SC_PAGESIZE), &level);
        if (r == -ERANGE)
                log_info("cgroup %s: memory.max %s leaves no room for the tripwire: not set", w->path,
                         format_bytes(a, sizeof(a), st->limit));
        if (r < 0) {
                refuse(g, w, path, r == -ENOENT ? "memory.max is max now" : "memory.max too small");
                return;
        }
        if (!w->tripwire && !tripwire_should_set(st->high, level)) {
                log_info("cgroup %s: memory.high %s is at or below the tripwire already: left alone", w->path,
                         format_bytes(a, sizeof(a), st->high));
                w->optin_refused = true;
                return;
        }
        if (level != w->tripwire)
                set_level(g, w, st, level, path);
}
