/* v2 memory.high tripwire (see actions/optin.h, policy/tripwire.h). */
#include <stdio.h>
#include <string.h>

#include "optin_internal.h"
#include "outputs/log.h"
#include "policy/tripwire.h"

/* Whether the throttle at our memory.high raised memory.events' "high"
 * since the last look (the events this tick logs say so). */
static bool high_rose(struct watched_cgroup *w, uint64_t high_events) {
        bool rose = w->tripwire && high_events > w->high_events;
        w->high_events = high_events;
        w->tripwire_rose |= rose;
        return rose;
}

/* Someone wrote memory.high since: theirs now, the mode is off for it. */
static bool taken_over(struct optin_state *s, struct watched_cgroup *w, uint64_t high, const char *path) {
        if (!w->tripwire || high == w->tripwire)
                return false;
        char a[32];
        log_notice("cgroup %s: memory.high changed to %s by someone else: tripwire off for it", w->path,
                   high == BYTES_UNLIMITED ? "max" : format_bytes(a, sizeof(a), high));
        (void)optin_put_back(s, RESTORE_MEMORY_HIGH, path, "changed by someone else"); /* drops it */
        w->tripwire = 0;
        w->optin_refused = true;
        return true;
}

static void refuse(struct optin_state *s, struct watched_cgroup *w, const char *path, const char *why) {
        if (w->tripwire)
                (void)optin_put_back(s, RESTORE_MEMORY_HIGH, path, why);
        w->tripwire = 0;
        w->optin_refused = true;
}

static void set_level(struct optin_state *s, struct watched_cgroup *w, const struct memcg_stats *st, uint64_t level,
                      const char *path) {
        char orig[RESTORE_VALUE_MAX], ours[RESTORE_VALUE_MAX], a[32], b[32];
        restore_value_format(st->high, orig);
        restore_value_format(level, ours);
        if (optin_record(s, RESTORE_MEMORY_HIGH, path, orig, ours) < 0) {
                w->optin_refused = true;
                return;
        }
        int r = write_file_at("/", path, ours);
        if (r < 0) {
                log_warning("cgroup %s: cannot write memory.high: %s", w->path, strerror(-r));
                (void)optin_put_back(s, RESTORE_MEMORY_HIGH, path, "write failed"); /* drops it */
                w->optin_refused = true;
                return;
        }
        log_info("cgroup %s: memory.high tripwire at %s (memory.max %s; it was %s)", w->path,
                 format_bytes(a, sizeof(a), level), format_bytes(b, sizeof(b), st->limit), w->tripwire ? "ours" : orig);
        w->tripwire = level;
        w->high_events = st->high_events;
}

bool optin_tripwire_tick(struct optin_state *s, const struct optin_ctx *c, size_t i) {
        struct watched_cgroup *w = &c->cgroups->items[i];
        const struct memcg_stats *st = &c->cgroups->views[i].stats;
        const struct rule *rule = &c->policy->cgroups[w->rule_index];
        char path[4096], a[32];
        bool rose = high_rose(w, st->high_events);
        if (w->tripwire_for == st->limit && (w->tripwire || w->optin_refused))
                return rose; /* nothing new: the usual tick */
        if (optin_cgroup_file(c, w, "memory.high", path, sizeof(path)) < 0 || taken_over(s, w, st->high, path))
                return rose;
        w->tripwire_for = st->limit;
        uint64_t level;
        int r = tripwire_level(&rule->tripwire, st->limit, (uint64_t)sysconf(_SC_PAGESIZE), &level);
        if (r == -ERANGE)
                log_info("cgroup %s: memory.max %s leaves no room for the tripwire: not set", w->path,
                         format_bytes(a, sizeof(a), st->limit));
        if (r < 0) {
                refuse(s, w, path, r == -ENOENT ? "memory.max is max now" : "memory.max too small");
                return rose;
        }
        if (!w->tripwire && !tripwire_should_set(st->high, level)) {
                log_info("cgroup %s: memory.high %s is at or below the tripwire already: left alone", w->path,
                         format_bytes(a, sizeof(a), st->high));
                w->optin_refused = true;
                return rose;
        }
        if (level != w->tripwire)
                set_level(s, w, st, level, path);
        return rose;
}
