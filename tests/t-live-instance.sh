#!/bin/bash
# One oomguard per restore file, live: a second instance beside a running
# one must refuse, naming the first's pid, and change nothing (before, it
# replayed the first's restore file: the cgroup the first guards got
# oom_kill_disable = 0 back, the kernel's killer again); --restore refuses
# while the owner runs; a dry run, --status and -n leave the file alone;
# the guardian is exec'd (not a fork sharing the daemon's pages) and holds
# the claim until it has put everything back. Acts only in a cgroup it creates.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live instance: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live instance: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-instance-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)
STATE=$TMP/run/restore
og= og2=

stop_pid() { [ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null; }
cleanup() {
        stop_pid "$og"; stop_pid "$og2"
        echo 0 > "$CG/memory.oom_control" 2>/dev/null
        wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "live instance: create $CG"; exit 1; }
disabled() { [ "$(sed -n 's/^oom_kill_disable //p' "$CG/memory.oom_control")" = "$1" ]; }
printf '[daemon]\ninterval = 100ms\n[cgroup:test]\npath = %s\naction = kill\noom_handler = yes\n' "$REL" > "$TMP/conf"
# state: what the restore file is (inode, size, mtime, text), to see it untouched
state() { stat -c '%i %s %Y' "$STATE" 2>/dev/null; cat "$STATE" 2>/dev/null; }

$OOMGUARD -c "$TMP/conf" --log stderr --restore-file "$STATE" 2> "$TMP/log" &
og=$!
wait_for "grep -q guarding $TMP/log" 5
check "live instance: the first takes the cgroup's OOM" wait_for "disabled 1" 3
before=$(state)

# 1. A second instance, same restore file: refuses, names the first.
timeout 20 $OOMGUARD -c "$TMP/conf" --log stderr --restore-file "$STATE" 2> "$TMP/log2"; rc=$?
check "live instance: a second instance exits non-zero (status $rc)" [ "$rc" = 1 ]
check "live instance: it names the running one's pid" grep -q "oomguard (pid $og) is running with the restore file" "$TMP/log2"
check "live instance: it restored nothing" bash -c "! grep -qE 'put back [0-9]|restored ' $TMP/log2"
check "live instance: the first still holds oom_kill_disable = 1" disabled 1
check "live instance: the restore file is untouched" [ "$(state)" = "$before" ]

# 2. --restore refuses while the owner runs.
$OOMGUARD --restore --restore-file "$STATE" 2> "$TMP/restore.log"; rc=$?
check "live instance: --restore refuses while the owner runs (status $rc)" [ "$rc" = 1 ]
check "live instance: --restore names it" grep -q "pid $og" "$TMP/restore.log"
check "live instance: --restore changed nothing" disabled 1

# 3. A dry run, --status and -n beside it leave the file and the value alone.
$OOMGUARD -c "$TMP/conf" --log stderr --restore-file "$STATE" --dry-run 2> "$TMP/dry.log" &
og2=$!
check "live instance: a dry run starts beside it" wait_for "grep -q guarding $TMP/dry.log" 5
stop_pid "$og2"; og2=
$OOMGUARD --status -c "$TMP/conf" --restore-file "$STATE" > /dev/null 2>&1
$OOMGUARD -n -c "$TMP/conf" > /dev/null 2>&1
check "live instance: dry run, --status, -n: the restore file is untouched" [ "$(state)" = "$before" ]
check "live instance: dry run, --status, -n: oom_kill_disable still 1" disabled 1

# 4. The guardian is exec'd: its command line is its own, not the daemon's.
gpid=$(pgrep -x -P "$og" oomguard-guard)
check "live instance: the guardian runs (pid ${gpid:-none})" [ -n "$gpid" ]
check "live instance: the guardian was exec'd (--guardian in its cmdline)" \
        bash -c "tr '\0' ' ' < /proc/${gpid:-0}/cmdline | grep -q -- '--guardian $STATE'"

# 5. SIGKILL the owner: its guardian puts back, then a new instance may run.
kill -9 "$og"; wait "$og" 2>/dev/null; og=
$OOMGUARD -c "$TMP/conf" --log stderr --restore-file "$STATE" 2> "$TMP/log3" &
og=$!
check "live instance: after the owner's death a new instance starts" wait_for "grep -q guarding $TMP/log3" 8
check "live instance: the guardian had put the value back first" grep -q "restored oom_kill_disable = 0" "$TMP/log"
check "live instance: the new one takes the OOM again" wait_for "disabled 1" 3
stop_pid "$og"; og=
check "live instance: its clean stop puts it back" disabled 0
exit $((failures > 0))
