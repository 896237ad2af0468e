/* [global] thresholds against the whole machine, combined as the rule's
 * thresholds mode says (any / all). Pure: no I/O, no allocation. */
#include <stdio.h>

#include "evaluate_internal.h"
#include "policy/evaluate.h"
#include "util.h"

static bool below(const struct size_or_pct *t, uint64_t value, double pct) {
        if (t->kind == SIZE_PERCENT)
                return pct < t->percent;
        if (t->kind == SIZE_BYTES)
                return value < t->bytes;
        return false;
}

/* Like earlyoom, RAM and swap are one condition: memory is short only
 * when MemAvailable is low AND swap (if any, and if a swap threshold is
 * set) is low too. A machine without swap has nothing left to page to. */
static bool check_memory(const struct thresholds *th, const struct machine_view *m, char *reason, size_t size) {
        if (!m->has_mem || th->mem_available_below.kind == SIZE_UNSET)
                return false;
        if (!below(&th->mem_available_below, m->mem.mem_available, m->mem_available_pct))
                return false;
        bool have_swap = m->mem.swap_total > 0;
        if (have_swap && th->swap_free_below.kind != SIZE_UNSET &&
            !below(&th->swap_free_below, m->mem.swap_free, m->swap_free_pct))
                return false;
        char a[32];
        if (have_swap && th->swap_free_below.kind != SIZE_UNSET)
                snprintf(reason, size, "MemAvailable %s (%.1f%%) and SwapFree %.1f%% below threshold",
                         format_bytes(a, sizeof(a), m->mem.mem_available), m->mem_available_pct, m->swap_free_pct);
        else
                snprintf(reason, size, "MemAvailable %s (%.1f%%) below threshold",
                         format_bytes(a, sizeof(a), m->mem.mem_available), m->mem_available_pct);
        return true;
}

static bool check_watermark(enum watermark_level want, const struct machine_view *m, char *reason, size_t size) {
        if (want == WATERMARK_NONE || !m->has_zones || m->worst_watermark == WATERMARK_NONE)
                return false;
        if (m->worst_watermark > want)
                return false;
        snprintf(reason, size, "free pages below the %s watermark in a zone",
                 watermark_level_to_string(m->worst_watermark));
        return true;
}

/* A stall is a memory shortage only while memory is short: with plenty
 * available it is refaults after a kill (measured in the VM: the trigger
 * fired again after the hog died, MemAvailable back near 90 %) or I/O. */
static bool stall_counts(const struct thresholds *th, const struct machine_view *m) {
        if (th->psi_mem_available_below.kind == SIZE_UNSET || !m->has_mem)
                return true;
        return below(&th->psi_mem_available_below, m->mem.mem_available, m->mem_available_pct);
}

/* Memory (MemAvailable with SwapFree) is one condition, set by
 * mem_available_below; the machine's PSI trigger counts for the PSI
 * threshold it was armed for. */
bool thresholds_check_machine(const struct thresholds *th, const struct machine_view *m, char *reason, size_t size) {
        struct verdict v;
        bool stall = stall_counts(th, m);
        verdict_init(&v, th->mode, reason, size);
        char part[DECISION_REASON_MAX];
        part[0] = '\0';
        (void)(verdict_add(&v, th->mem_available_below.kind != SIZE_UNSET, check_memory(th, m, part, sizeof(part)),
                           part) ||
               verdict_add(&v, th->watermark_below != WATERMARK_NONE,
                           check_watermark(th->watermark_below, m, part, sizeof(part)), part) ||
               verdict_add_psi(&v, th, m->has_psi && stall, &m->psi, m->psi_trigger_armed,
                               m->psi_trigger_fired && stall));
        return verdict_fired(&v);
}
