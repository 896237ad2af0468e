/* What oomguard changed in cgroup files for the opt-in modes (v2
 * memory.high tripwire, v1 oom_kill_disable) and for a v1 reclaim's limit
 * step (memory.limit_in_bytes, listed only while stepped down; see
 * actions/reclaim.h), so that it can be put back:
 * when a cgroup stops being watched, on reload, at a clean stop, and after
 * a crash (the guardian process, `oomguard --restore`, the next start).
 *
 * The state file has one line per change, written before the change:
 *     KEY ORIGINAL OURS [@PID:STARTTIME ]PATH
 * KEY: memory.high | oom_kill_disable | memory.limit_in_bytes; ORIGINAL, OURS: the value before
 * and after oomguard's write ("max" or digits); PATH: the cgroup file
 * (absolute, to the end of the line). Lines starting with '#' are
 * comments. A change is put back only while the file still holds OURS:
 * a value someone else wrote since is theirs and stays.
 *
 * A PATH through /proc/PID/ (a sidecar's app container, seen through
 * /proc/PID/root) is that process's view: once it exits, the pid may be
 * another process's, in another container. Such an entry carries the
 * process's identity, @PID:STARTTIME (/proc/PID/stat field 22), and is
 * put back only while /proc/PID is still that process; otherwise it is
 * dropped, and said (restore_stale_reason): "the container is gone", or
 * for a line without an identity (a file of an oomguard before this
 * format) "the entry names no process". The running daemon puts its
 * current anchor's entries back through that app's cgroup mount, held
 * open (actions/optin.h: optin_set_anchor). PATH has no "." or ".."
 * component (the pid checked is the first component's). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum restore_key { RESTORE_MEMORY_HIGH, RESTORE_OOM_KILL_DISABLE, RESTORE_MEMORY_LIMIT };

#define RESTORE_VALUE_MAX 24 /* "max" or a u64 in decimal */
#define RESTORE_LINE_MAX (4096 + 80)
#define RESTORE_REPLAY_MAX (2 * RESTORE_LINE_MAX) /* the replay's line buffer */
#define RESTORE_DEFAULT_FILE "/run/oomguard/restore"

/* The process a /proc/PID/ path goes through; pid 0 = none. */
struct restore_anchor {
        pid_t pid;
        uint64_t starttime; /* clock ticks after boot, /proc/PID/stat field 22 */
};

struct restore_entry {
        enum restore_key key;
        struct restore_anchor anchor; /* for a /proc/PID/ path; {0} = none */
        char original[RESTORE_VALUE_MAX];
        char ours[RESTORE_VALUE_MAX];
        char *path; /* parsed: points into the line; in the daemon's set: owned */
};

const char *restore_key_to_string(enum restore_key k);

/* Pure. One line with its '\n'. Returns its length, -ENOBUFS when it does
 * not fit, -EINVAL for a value that is not "max"/digits, a path that is
 * not absolute, holds a newline or a "." or ".." component, or an
 * identity whose pid is not the path's /proc/PID/. */
int restore_format_line(const struct restore_entry *e, char *buf, size_t size);
/* Pure. line: one line without '\n', NUL-terminated and writable (the path
 * is left in place). -EINVAL when it is not a valid entry. */
int restore_parse_line(char *line, struct restore_entry *ret);
/* Pure. The PID of a path starting "/proc/PID/" (digits), else 0. */
pid_t restore_path_pid(const char *path);
/* Pure. Whether entry e may be put back through its path: 0 when the path
 * is not through /proc/PID/ or *now (that pid's identity now; pid 0: no
 * such process) is the process e was made for; -ESTALE when it is not
 * (exited, its pid reused, or e records no identity or another pid). */
int restore_anchor_check(const struct restore_entry *e, const struct restore_anchor *now);
/* Pure. Whether the cgroup file's text (as read) still holds ours. */
bool restore_holds(enum restore_key k, const char *text, size_t len, const char *ours);
/* Pure. A value as the state file spells it: "max" for BYTES_UNLIMITED. */
void restore_value_format(uint64_t v, char buf[static RESTORE_VALUE_MAX]);

/* Put one change back: when its file still holds ours, write the original.
 * Returns 1 when restored, 0 when nothing was left to do (the cgroup is
 * gone, or someone else changed the value since), -ESTALE when its path
 * goes through a /proc/PID/ that is no longer the process it was made for
 * (restore_anchor_check: the file's directory is opened first, then the
 * process checked, so a pid reused meanwhile is caught too), -errno. The
 * file is opened for writing only when it holds ours: one someone else
 * changed is left alone (0) even when it is not writable. No allocation. */
int restore_entry_apply(const struct restore_entry *e);
/* The same through dirfd, a directory held open (the app's cgroup mount,
 * opened while its process lived): rel is the file below it. No
 * identity check: the fd is the container's whatever became of the pid.
 * -ESTALE when the file is gone (the cgroup was removed). */
int restore_entry_apply_at(const struct restore_entry *e, int dirfd, const char *rel);
/* What a replay or put-back says of an entry not restored (-ESTALE): the
 * reason, in words, into buf. */
const char *restore_stale_reason(const struct restore_entry *e, char *buf, size_t size);

/* How the replay puts one entry back: restore_entry_apply (the daemon, the
 * guardian, --restore); the fuzzer's stand-in writes no cgroup file. */
typedef int (*restore_apply_fn)(const struct restore_entry *e);
typedef void (*restore_report_fn)(const struct restore_entry *e, int r, void *ud);
/* Replay every entry of the state file, then remove it (kept when an entry
 * failed; -ESTALE is no failure: that entry is dropped). Allocation-free (a static line buffer): the guardian runs it.
 * Returns how many were restored, -ENOENT when there is no file, -errno. */
int restore_file_replay(const char *path, restore_report_fn report, void *ud);
/* The same with apply in place of restore_entry_apply. A line longer than
 * RESTORE_REPLAY_MAX - 2 bytes, or with a NUL byte, is refused whole. */
int restore_file_replay_with(const char *path, restore_apply_fn apply, restore_report_fn report, void *ud);
/* Write the entries to path (path.tmp, then rename: a reader sees the old
 * or the new file, never half); no entries removes it. Creates the
 * directory (one level). Returns 0 or -errno. */
int restore_file_write(const char *path, const struct restore_entry *e, size_t n);
/* The same when only e[n - 1] is new: one line appended (the whole file
 * written when there is none yet). */
int restore_file_append(const char *path, const struct restore_entry *e, size_t n);
/* An exclusive lock (flock on path.lock) held while replaying, so a new
 * daemon does not apply while an old guardian is still putting back.
 * Returns the fd to close, or -errno. Blocks. */
int restore_file_lock(const char *path);
