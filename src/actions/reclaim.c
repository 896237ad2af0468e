/* Reclaiming one cgroup's page cache, and only that cgroup's (never a
 * machine-wide drop_caches): `action = reclaim`, and `reclaim_first`
 * before a rule's kill, kill-cgroup or stop, escalating only when the
 * cgroup is still over the rule's thresholds afterwards. How far:
 * policy/reclaim_plan.h. v2 writes the amount to memory.reclaim (5.19+).
 * v1 has no partial reclaim but the limit: memory.limit_in_bytes is
 * stepped down to the plan's limit (never below what reclaim cannot take)
 * - the kernel reclaims in the write, synchronously, and says EBUSY when
 * it cannot get there - and written back at once. The original is in the
 * restore file (the opt-in modes' undo log) before the step, so that a
 * guard killed mid-step is undone by its guardian, --restore or the next
 * start. (v1 memory.force_empty, used before, dropped every page of the
 * cgroup, its hot cache too.) No allocation but the undo log's entry of a
 * v1 step. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "actions/actuator.h"
#include "optin_internal.h"
#include "outputs/log.h"
#include "policy/reclaim_plan.h"
#include "reclaim.h"
#include "util.h"

static uint64_t page_size(void) {
        long p = sysconf(_SC_PAGESIZE);
        return p > 0 ? (uint64_t)p : 4096;
}

static int v2_reclaim(const char *dir, const struct reclaim_plan *p) {
        char path[4200], value[32];
        snprintf(path, sizeof(path), "%s/memory.reclaim", dir);
        snprintf(value, sizeof(value), "%llu", (unsigned long long)p->amount);
        return write_file_at("/", path, value); /* -EAGAIN: less than asked */
}

/* The limit as the file says it, digits only (the restore file's form). */
static int read_limit_text(const char *path, char *buf, size_t size) {
        ssize_t n = read_file_at("/", path, buf, size);
        if (n < 0)
                return (int)n;
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
                buf[--n] = '\0';
        return n > 0 && (size_t)strspn(buf, "0123456789") == (size_t)n ? 0 : -EBADMSG;
}

/* Listed, stepped, put back. The step's write returns when the kernel
 * reclaimed enough (0) or gave up (-EBUSY); the way back drops the entry,
 * or leaves it for the guardian when it fails. */
static int v1_step(const struct action_ctx *ctx, const struct decision *d, const char *dir,
                   const struct reclaim_plan *p) {
        char path[4200], original[RESTORE_VALUE_MAX], ours[RESTORE_VALUE_MAX], a[32], b[32];
        if (!ctx->undo)
                return -EOPNOTSUPP;
        if (!p->v1_limit)
                return 0; /* the plan says no step */
        snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", dir);
        int r = read_limit_text(path, original, sizeof(original));
        if (r < 0)
                return r;
        restore_value_format(p->v1_limit, ours);
        if ((r = optin_record(ctx->undo, RESTORE_MEMORY_LIMIT, path, original, ours)) < 0)
                return r; /* not listed: not stepped */
        log_info("cgroup %s: limit stepped down from %s to %s to reclaim its cache", d->cgroup->path,
                 format_bytes(a, sizeof(a), d->cgroup->stats.limit), format_bytes(b, sizeof(b), p->v1_limit));
        r = write_file_at("/", path, ours);
        int back = optin_put_back(ctx->undo, RESTORE_MEMORY_LIMIT, path, "reclaim done");
        if (back < 0)
                log_warning("cgroup %s: limit still %s: the restore file keeps %s", d->cgroup->path, b, original);
        return r;
}

/* The cgroup again, after the reclaim: memory read now, its rates and
 * PSI the tick's (a 10 s average cannot show milliseconds of reclaim). */
static int reread(const struct action_ctx *ctx, const struct cgroup_view *old, const char *dir,
                  struct cgroup_view *ret) {
        char buf[8192];
        struct memcg_files f;
        struct memcg_stats st;
        int r = memcg_open(ctx->mounts->memory_version, dir, NULL, &f);
        if (r < 0)
                return r;
        r = memcg_read(&f, buf, sizeof(buf), &st);
        memcg_close(&f);
        if (r < 0)
                return r;
        *ret = *old;
        st.has_psi = old->stats.has_psi;
        st.psi = old->stats.psi;
        ret->stats = st;
        cgroup_derive(NULL, 0, &st, 0, &ret->d);
        ret->d.failcnt_rate = old->d.failcnt_rate;
        ret->d.usage_slope = old->d.usage_slope;
        ret->d.has_rates = old->d.has_rates;
        return 0;
}

/* Reclaims as the plan says; res->escalated when the rule's thresholds
 * still hold on the cgroup read again. Returns the write's result. */
static int reclaim_run(const struct action_ctx *ctx, const struct decision *d, const char *dir,
                       struct reclaim_result *res) {
        const struct cgroup_view *cg = d->cgroup;
        struct reclaim_plan p;
        reclaim_plan_make(&d->rule->th, &cg->stats, page_size(), &p);
        bool v2 = ctx->mounts->memory_version == CGROUP_V2;
        *res = (struct reclaim_result){ .tried = true,
                                        .usage_before = cg->stats.usage,
                                        .usage_after = cg->stats.usage,
                                        .asked_bytes = p.amount,
                                        .v1_limit = v2 ? 0 : p.v1_limit };
        uint64_t t0 = now_ns();
        int r = p.amount == 0 ? 0 : v2 ? v2_reclaim(dir, &p) : v1_step(ctx, d, dir, &p);
        res->error = r;
        struct cgroup_view now;
        char reason[DECISION_REASON_MAX];
        if (reread(ctx, cg, dir, &now) == 0) {
                res->usage_after = now.stats.usage;
                res->escalated = thresholds_check_cgroup(&d->rule->th, &now, reason, sizeof(reason));
        } else
                res->escalated = true; /* cannot tell: the rule's action decides */
        res->ns = now_ns() - t0;
        return r;
}

uint64_t reclaim_freed(const struct reclaim_result *res) {
        return res->usage_before > res->usage_after ? res->usage_before - res->usage_after : 0;
}

void reclaim_describe(const struct reclaim_result *res, char *buf, size_t size) {
        char a[32], b[32];
        snprintf(buf, size, "reclaimed %s in %.1f ms (%s%s%s)", format_bytes(a, sizeof(a), reclaim_freed(res)),
                 (double)res->ns / 1e6, res->v1_limit ? "limit stepped to " : "memory.reclaim",
                 res->v1_limit ? format_bytes(b, sizeof(b), res->v1_limit) : "",
                 res->error == -EBUSY || res->error == -EAGAIN ? ", less than asked" : "");
}

bool reclaim_first_wanted(const struct decision *d) {
        return d->rule->reclaim_first && d->cgroup && !d->oom && d->action != ACTION_RECLAIM &&
               d->action != ACTION_WARN && reclaim_cache_heavy(&d->cgroup->stats);
}

bool reclaim_first(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep) {
        char dir[4096], what[100];
        if (!reclaim_first_wanted(d) || !action_cgroup_dir(ctx, d, dir, sizeof(dir)))
                return false;
        int r = reclaim_run(ctx, d, dir, &rep->reclaim);
        if (r < 0 && r != -EBUSY && r != -EAGAIN)
                log_warning("rule %s on %s: reclaim first failed: %s", d->rule->name, d->cgroup->path, strerror(-r));
        if (rep->reclaim.escalated)
                return false;
        reclaim_describe(&rep->reclaim, what, sizeof(what));
        snprintf(rep->outcome, sizeof(rep->outcome), "%s: under its thresholds, not %s", what,
                 d->action == ACTION_STOP ? "stopped" : "killed");
        return true;
}

int cgroup_reclaim(const struct action_ctx *ctx, const struct decision *d, struct action_report *rep) {
        char dir[4096], what[100];
        if (!action_cgroup_dir(ctx, d, dir, sizeof(dir))) {
                snprintf(rep->outcome, sizeof(rep->outcome), "reclaim needs a cgroup rule");
                return -EINVAL;
        }
        int r = reclaim_run(ctx, d, dir, &rep->reclaim);
        rep->reclaim.escalated = false; /* reclaim is the action: nothing to escalate to */
        reclaim_describe(&rep->reclaim, what, sizeof(what));
        snprintf(rep->outcome, sizeof(rep->outcome), "%s", r == 0 || r == -EAGAIN || r == -EBUSY ? what : strerror(-r));
        return r == -EAGAIN || r == -EBUSY ? 0 : r;
}
