/* One tick's view of the machine and the watched cgroups, with values
 * derived from the previous tick (rates, slopes). Plain data. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/meminfo.h"
#include "sources/memcg.h"
#include "sources/psi.h"
#include "sources/vmstat.h"
#include "sources/zoneinfo.h"

struct machine_view {
        bool has_mem, has_psi, has_zones, has_vmstat;
        /* The kernel's PSI trigger for [global] fired this tick: the stall
         * in its 1 s window passed the rule's percentage, which avg10 (a
         * 10 s average updated every 2 s) will only show later. */
        bool psi_trigger_fired;
        /* That trigger is armed (the daemon; not --status, not where the
         * kernel refuses it): then it decides the PSI thresholds alone.
         * avg10 lags ~10 s behind: it stays over a rule's share for seconds
         * after the stall ended (after a kill), and would kill again. */
        bool psi_trigger_armed;
        struct meminfo mem;
        struct psi psi;
        struct zoneinfo zones;
        struct vmstat vm;
        /* derived */
        double mem_available_pct; /* of MemTotal */
        double swap_free_pct;     /* of SwapTotal; 100 when no swap */
        enum watermark_level worst_watermark;
        /* The machine's leak forecast (RAM + swap in use against MemTotal
         * + SwapTotal), set after the tick's decisions; < 0 = none. */
        double time_to_limit_s;
};

struct cgroup_derived {
        uint64_t working_set; /* usage - inactive_file (never below 0) */
        double pct_of_limit;  /* working set, percent of limit; < 0 = no limit */
        uint64_t bytes_left;  /* limit - usage; BYTES_UNLIMITED = no limit */
        double failcnt_rate;  /* per second since previous tick */
        double usage_slope;   /* bytes per second since previous tick */
        bool has_rates;       /* false on the first tick and after a reset */
        bool reset;           /* a counter went backwards: recreated cgroup */
        /* The leak forecast (snapshot/trend.h): when the working set's
         * long trend reaches the limit, s from now; < 0 = none. */
        double time_to_limit_s;
};

struct cgroup_view {
        const char *path; /* relative to the hierarchy root, "/a/b" */
        int rule_index;   /* index into policy->cgroups */
        bool valid;       /* read succeeded this tick */
        /* Kernel events since the last evaluation (the daemon): its PSI
         * trigger fired (a stall over the rule's share of the last second,
         * which avg10 shows seconds later), or v2 memory.events "high"
         * rose while memory.high is oomguard's tripwire (the kernel
         * throttles it there, near its limit). */
        bool psi_trigger_fired, tripwire_hit;
        /* v1: the oom_kill_disable = 1 it reads is oomguard's own (the
         * opt-in oom_handler took the cgroup's OOM), not an admin's whose
         * own handler waits on it. */
        bool oom_handler_ours;
        struct memcg_stats stats;
        struct cgroup_derived d;
};

struct snapshot {
        uint64_t now_ns;
        struct machine_view machine;
        struct cgroup_view *cgroups;
        size_t n_cgroups;
};

/* Pure: derived values of one cgroup. prev may be NULL (first tick). */
void cgroup_derive(const struct memcg_stats *prev, uint64_t prev_ns, const struct memcg_stats *cur, uint64_t cur_ns,
                   struct cgroup_derived *ret);

/* Pure: fill the derived fields of m from its raw fields. */
void machine_derive(struct machine_view *m);
