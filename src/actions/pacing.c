/* Pacing: the kill cap and post_kill_delay (see actions/pacing.h). */
#include "actions/pacing.h"
#include "snapshot/cgroup_set.h"
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

bool pacing_target_held(const struct firing *f, uint64_t now) { return now < f->held_until_ns; }

void pacing_target_acted(struct firing *f, const struct daemon_settings *s, uint64_t end_ns, bool victim_pending) {
        f->held_until_ns = end_ns + s->post_kill_delay_ns;
        f->victim_pending = victim_pending;
}

void pacing_target_cleared(struct firing *f) {
        struct firing kept = { 0 };
        if (f->victim_pending) {
                kept.held_until_ns = f->held_until_ns;
                kept.victim_pending = true;
        }
        *f = kept;
}
