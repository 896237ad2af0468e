/* The opt-in "buy time" modes of a [cgroup:] rule, both off by default:
 *  - tripwire (v2): memory.high set under memory.max, so the kernel
 *    throttles the cgroup there and memory.events' "high" counter wakes
 *    oomguard before the limit (optin_tripwire.c);
 *  - oom_handler (v1): memory.oom_control's oom_kill_disable = 1 and an
 *    eventfd on the cgroup's OOM; oomguard acts on it, and hands the
 *    cgroup back to the kernel's killer when it cannot (optin_oom.c).
 * Every change is listed in the restore state file before it is made
 * (actions/restore.h: the undo log) and put back when the cgroup stops
 * being watched, on reload, at a clean stop, and by the guardian after a
 * crash. Off the hot path but for optin_tick, which writes only when a
 * limit changed. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "actions/guardian.h"
#include "actions/restore.h"
#include "policy/policy.h"
#include "snapshot/cgroup_set.h"
#include "sources/cgroup_tree.h"

#define OPTIN_OOM_GIVE_UP_NS (1 * NSEC_PER_SEC) /* under OOM this long without relief */
#define OPTIN_OOM_RETAKE_NS (2 * NSEC_PER_SEC)  /* after giving up, out of OOM this long */

/* What this guard changed, the state file that lists it, and the
 * guardian that replays it after a crash. */
struct optin_state {
        const char *restore_file;
        struct restore_entry *changes;
        size_t n_changes, cap_changes;
        struct guardian guardian;
        int owner_fd; /* this instance's claim on restore_file (actions/restore_owner.h), -1 = none */
        /* --sidecar=PROGRAM: the app's process whose /proc/PID/root the
         * paths go through, recorded with each such entry; {0} = none */
        struct restore_anchor anchor;
        /* its cgroup mount, held (a dup: ours to close; -1 = none), and
         * that mount's path through /proc/PID/root: its entries are put
         * back through the fd, even once the anchor exited unseen */
        int anchor_fd;
        char anchor_mount[4096];
};

/* What the modes work on: the watched cgroups (their per-cgroup mode
 * state lives in struct watched_cgroup) and the rules that own them. */
struct optin_ctx {
        const struct cgroup_mounts *mounts; /* NULL: no memory hierarchy */
        const struct policy *policy;
        struct cgroup_set *cgroups;
        bool enabled; /* a live, real, armed daemon changes files */
        /* oomguard's own memory cgroup ("" unknown): an OOM in it or above
         * it with the kernel's killer off would stop oomguard too. */
        const char *self_cgroup;
};

void optin_state_init(struct optin_state *s, const char *restore_file);
/* Frees the list (what failed to go back stays in the file for --restore)
 * and stops the guardian: call optin_restore_all first. */
void optin_state_free(struct optin_state *s);

/* Start-up and --restore: put back what an oomguard before left in
 * state_file. Returns how many values were restored, or -errno. */
int optin_replay(const char *state_file, const char *who);

/* Each tick, after the read, before the policy: apply or adjust the modes
 * on every watched cgroup, and give a cgroup that stayed under OOM for
 * OPTIN_OOM_GIVE_UP_NS back to the kernel. Returns true when cgroup woken
 * (an index, -1 = none) had its memory.events "high" rise at our tripwire:
 * the wakeup was the tripwire's. */
bool optin_tick(struct optin_state *s, const struct optin_ctx *c, int woken, uint64_t now);
/* An OOM decision on cgroup i could not be carried out: the kernel's
 * killer takes over now (rather than leave its tasks waiting). */
void optin_oom_give_up(struct optin_state *s, const struct optin_ctx *c, size_t i, const char *why);

/* After a rescan: put back what belongs to cgroups no longer watched by a
 * rule with the mode. */
void optin_sync(struct optin_state *s, const struct optin_ctx *c);
/* Start and reload: say when a rule's mode does not fit the hierarchy. */
void optin_announce(const struct optin_ctx *c);
/* --sidecar=PROGRAM: the process the app's paths go through from now on
 * ({0}: none; a /proc/PID/ path of another pid is then not changed), and
 * its cgroup mount: mount_fd (duplicated; -1 none) opened at mount, the
 * path the entries start with. A put-back (reload, stop, a cgroup no
 * longer watched) of a's entries writes through that fd: the anchor may
 * have exited before the tick that follows it (sidecar_app_follow). */
void optin_set_anchor(struct optin_state *s, struct restore_anchor a, int mount_fd, const char *mount);
/* The anchor exited and another process of the same cgroup took over:
 * from's entries now go through to's /proc/PID/ (the same container's
 * files), so that they are still put back. */
void optin_rehome(struct optin_state *s, struct restore_anchor from, struct restore_anchor to);
/* The anchor exited and no process named PROGRAM in its cgroup took over: from's
 * entries are put back through dirfd, its cgroup mount held open
 * (mount: that mount's path through /proc/PID/root), and dropped; a
 * cgroup gone (or dirfd -1) drops them, said. */
void optin_put_back_anchor(struct optin_state *s, struct restore_anchor from, int dirfd, const char *mount,
                           const char *why);
/* Reload and stop: put back everything (why goes to the log). */
void optin_restore_all(struct optin_state *s, const struct optin_ctx *c, const char *why);
