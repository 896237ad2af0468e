/* The kill cap (see actions/pacing.h). */
#include "actions/pacing.h"
#include "util.h"

bool pacing_limited(const struct pacing *p, const struct daemon_settings *s, uint64_t now) {
        if (p->n_kills && now - p->last_action_ns < s->post_kill_delay_ns)
                return true;
        return pacing_cap_reached(p, s, now);
}

bool pacing_cap_reached(const struct pacing *p, const struct daemon_settings *s, uint64_t now) {
        size_t max = s->max_kills_per_minute < PACING_RING ? s->max_kills_per_minute : PACING_RING;
        if (p->n_kills < max)
                return false;
        uint64_t oldest = p->kill_times_ns[(p->n_kills - max) % PACING_RING];
        return now - oldest < 60 * NSEC_PER_SEC;
}

void pacing_record(struct pacing *p, uint64_t now) {
        p->kill_times_ns[p->n_kills % PACING_RING] = now;
        p->n_kills++;
        p->last_action_ns = now;
}
