#!/bin/bash
# A restore file entry made through /proc/PID/root (--sidecar=PROGRAM: the
# app's cgroup seen through its process's root) is replayed only into the
# process it was made for. Here the pid belongs to another process: a
# sleeper this test puts in a memory cgroup it creates, and whose root
# shows that cgroup. `oomguard --restore` must leave the cgroup's value
# alone for a line naming another start time, and for an old line with no
# identity, say why, and drop them; a line naming the sleeper itself is
# put back (the control). The cgroup's own file is the judge.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ]; then skip "live restore-anchor: needs root to create memory cgroups"; exit 0; fi
if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
        MOUNT=/sys/fs/cgroup/memory KEY=oom_kill_disable FILE=memory.oom_control ORIG=0 OURS=1
        SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
elif [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
        MOUNT=/sys/fs/cgroup KEY=memory.high FILE=memory.high ORIG=max OURS=104857600
        SELF=$(sed -n 's/^0:://p' /proc/self/cgroup)
else
        skip "live restore-anchor: no memory cgroup hierarchy"
        exit 0
fi
REL=${SELF%/}/oomguard-anchor-$$
CG=$MOUNT$REL
TMP=$(mktemp -d)
STATE=$TMP/restore
cleanup() {
        [ -n "${sleeper:-}" ] && kill "$sleeper" 2>/dev/null && wait "$sleeper" 2>/dev/null
        [ -d "$CG" ] && { [ "$KEY" = oom_kill_disable ] && echo 0 > "$CG/$FILE"; rmdir "$CG" 2>/dev/null || echo "# could not remove $CG"; }
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" || { not_ok "live restore-anchor: create $CG"; exit 1; }
[ "$MOUNT" = /sys/fs/cgroup ] || echo 256M > "$CG/memory.limit_in_bytes"
sh -c "echo \$\$ > $CG/cgroup.procs; exec sleep 600" &
sleeper=$!
wait_for "grep -qx $sleeper $CG/cgroup.procs" 5 || { not_ok "live restore-anchor: sleeper in $CG"; exit 1; }
start=$(sed 's/.*) //' /proc/$sleeper/stat | cut -d' ' -f20) # field 22
THERE=/proc/$sleeper/root$CG/$FILE
value() { if [ "$KEY" = oom_kill_disable ]; then sed -n 's/^oom_kill_disable //p' "$CG/$FILE"; else cat "$CG/$FILE"; fi; }

# replay NAME LINE: the cgroup set to OURS, LINE the restore file, --restore run.
replay() {
        echo "$OURS" > "$CG/$FILE"
        [ "$(value)" = "$OURS" ] || { not_ok "live restore-anchor: set $FILE to $OURS"; return 1; }
        printf '# test\n%s\n' "$2" > "$STATE"
        $OOMGUARD --restore --restore-file "$STATE" > "$TMP/out" 2>&1
        rc=$?
        diag "$1: exit $rc, $FILE now $(value); $(tr '\n' ' ' < "$TMP/out")"
}

replay "another start time" "$KEY $ORIG $OURS @$sleeper:$((start + 1)) $THERE"
check "live restore-anchor: pid $sleeper is another process: its cgroup's $FILE left as it is" \
        eval '[ "$(value)" = "$OURS" ]'
check "live restore-anchor: said so (the container is gone), the line dropped, exit 0" \
        eval 'grep -q "not restoring $KEY = $ORIG in $THERE: the container is gone" "$TMP/out" && [ ! -e "$STATE" ] && [ $rc = 0 ]'
replay "no identity (an older file)" "$KEY $ORIG $OURS $THERE"
check "live restore-anchor: an old line through /proc/PID/root is not written through" eval '[ "$(value)" = "$OURS" ]'
check "live restore-anchor: said so, the line dropped" \
        eval 'grep -q "not restoring $KEY = $ORIG in $THERE: the entry names no process" "$TMP/out" && [ ! -e "$STATE" ]'
replay "the process itself" "$KEY $ORIG $OURS @$sleeper:$start $THERE"
check "live restore-anchor: the very process: put back ($FILE = $ORIG)" eval '[ "$(value)" = "$ORIG" ] && [ ! -e "$STATE" ]'
exit $((failures > 0))
