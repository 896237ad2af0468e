/* The opt-in "buy time" modes of a [cgroup:] rule, both off by default:
 *  - tripwire (v2): memory.high set under memory.max, so the kernel
 *    throttles the cgroup there and memory.events' "high" counter wakes
 *    oomguard before the limit (optin_tripwire.c);
 *  - oom_handler (v1): memory.oom_control's oom_kill_disable = 1 and an
 *    eventfd on the cgroup's OOM; oomguard acts on it, and hands the
 *    cgroup back to the kernel's killer when it cannot (optin_oom.c).
 * Every change is listed in the restore state file before it is made
 * (actions/restore.h) and put back when the cgroup stops being watched, on
 * reload, at a clean stop, and by the guardian after a crash. */
#pragma once

#include <stdint.h>

#include "daemon/guard.h"

/* Start-up and --restore: put back what an oomguard before left in
 * state_file. Returns how many values were restored, or -errno. */
int optin_replay(const char *state_file, const char *who);

/* Whether this guard changes cgroup files (a live, real, armed daemon). */
bool optin_enabled(const struct guard *g);

/* Each tick, after the read, before the policy: apply or adjust the modes
 * on every watched cgroup, label a tripwire wakeup, and give a cgroup that
 * stayed under OOM for OPTIN_OOM_GIVE_UP_NS back to the kernel. */
void optin_tick(struct guard *g, uint64_t now);
/* An OOM decision on cg could not be carried out: the kernel's killer
 * takes over now (rather than leave its tasks waiting). */
void optin_oom_give_up(struct guard *g, const struct cgroup_view *cg, const char *why);

/* After a rescan: put back what belongs to cgroups no longer watched by a
 * rule with the mode. */
void optin_sync(struct guard *g);
/* Start and reload: say when a rule's mode does not fit the hierarchy. */
void optin_announce(const struct guard *g);
/* Reload and stop: put back everything (why goes to the log). */
void optin_restore_all(struct guard *g, const char *why);

/* Internal to optin*.c: the list of changes and the state file. */
int optin_record(struct guard *g, enum restore_key key, const char *path, const char *original,
                 const char *ours);
int optin_put_back(struct guard *g, enum restore_key key, const char *path, const char *why);
int optin_cgroup_file(const struct guard *g, const struct watched_cgroup *w, const char *name,
                      char *buf, size_t size);
/* One watched cgroup (index i), valid this tick, whose rule has the mode. */
void optin_tripwire_tick(struct guard *g, size_t i);
void optin_oom_tick(struct guard *g, size_t i, uint64_t now);
/* Forget the per-cgroup state of the modes (after everything was put back). */
void optin_forget(struct watched_cgroup *w);

#define OPTIN_OOM_GIVE_UP_NS (1 * NSEC_PER_SEC) /* under OOM this long without relief */
#define OPTIN_OOM_RETAKE_NS (2 * NSEC_PER_SEC)  /* after giving up, out of OOM this long */
