/* Values derived from raw counters: working set, percent of the limit,
 * rates since the previous tick. Pure. */
#include <math.h>

#include "snapshot/snapshot.h"
#include "util.h"

static uint64_t working_set(const struct memcg_stats *s) {
        /* inactive_file is cache the kernel drops first: not pressure. */
        return s->usage > s->stat.inactive_file ? s->usage - s->stat.inactive_file : 0;
}

/* A counter that went backwards means the cgroup was removed and
 * recreated under the same name: start over instead of a negative rate. */
static bool counters_went_back(const struct memcg_stats *prev, const struct memcg_stats *cur) {
        return cur->failcnt < prev->failcnt || cur->oom_kill < prev->oom_kill;
}

void cgroup_derive(const struct memcg_stats *prev, uint64_t prev_ns, const struct memcg_stats *cur, uint64_t cur_ns,
                   struct cgroup_derived *ret) {
        struct cgroup_derived d = {
                .working_set = working_set(cur),
                .pct_of_limit = -1,
                .bytes_left = BYTES_UNLIMITED,
                .time_to_limit_s = -1, /* the read sets it from the trend */
        };
        if (cur->limit != BYTES_UNLIMITED && cur->limit > 0) {
                d.pct_of_limit = 100.0 * (double)d.working_set / (double)cur->limit;
                d.bytes_left = cur->limit > cur->usage ? cur->limit - cur->usage : 0;
        }
        if (prev && cur_ns > prev_ns) {
                if (counters_went_back(prev, cur))
                        d.reset = true;
                else {
                        double dt = (double)(cur_ns - prev_ns) / (double)NSEC_PER_SEC;
                        d.failcnt_rate = (double)(cur->failcnt - prev->failcnt) / dt;
                        d.usage_slope = ((double)cur->usage - (double)prev->usage) / dt;
                        d.has_rates = true;
                }
        }
        *ret = d;
}

void machine_derive(struct machine_view *m) {
        m->mem_available_pct = 100.0;
        m->swap_free_pct = 100.0;
        m->worst_watermark = WATERMARK_NONE;
        m->time_to_limit_s = -1;
        if (m->has_mem && m->mem.mem_total > 0)
                m->mem_available_pct = 100.0 * (double)m->mem.mem_available / (double)m->mem.mem_total;
        if (m->has_mem && m->mem.swap_total > 0)
                m->swap_free_pct = 100.0 * (double)m->mem.swap_free / (double)m->mem.swap_total;
        if (m->has_zones)
                m->worst_watermark = zoneinfo_worst_level(&m->zones);
}
