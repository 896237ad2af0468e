#!/bin/bash
# A restore file entry made through /proc/PID/root (--sidecar=PROGRAM: the
# app's cgroup seen through its process's root) is replayed only into the
# process it was made for. Here the pid belongs to another process: a
# sleeper this test puts in a memory cgroup it creates, and whose root
# shows that cgroup. `oomguard --restore` must leave the cgroup's value
# alone for a line naming another start time, and for an old line with no
# identity, say why, and drop them; a line naming the sleeper itself is
# put back (the control). The same for the guardian's replay and a
# daemon's start. The cgroup's own file is the judge.
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
        [ -n "${og:-}" ] && kill "$og" 2>/dev/null
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

# replay HOW NAME LINE: the cgroup set to OURS, LINE the restore file,
# replayed by HOW: --restore, the guardian (its pipe at end-of-file: the
# daemon gone), or a daemon's start (a policy watching nothing here).
printf '[daemon]\ninterval = 100ms\n[cgroup:none]\npath = /oomguard-none-%s\nusage_above = 90%%\n' $$ > "$TMP/conf"
replay() {
        echo "$OURS" > "$CG/$FILE"
        [ "$(value)" = "$OURS" ] || { not_ok "live restore-anchor: set $FILE to $OURS"; return 1; }
        printf '# test\n%s\n' "$3" > "$STATE"
        : > "$TMP/out"
        case $1 in
        restore) $OOMGUARD --restore --restore-file "$STATE" > "$TMP/out" 2>&1 ;;
        guardian) $OOMGUARD --guardian "$STATE" 3< /dev/null > "$TMP/out" 2>&1 ;;
        start)
                $OOMGUARD -c "$TMP/conf" --log stderr --restore-file "$STATE" 2> "$TMP/out" &
                og=$!
                wait_for "grep -q 'armed:' $TMP/out" 10
                kill "$og"; wait "$og"; st=$?
                og= # reaped: its pid may be another process's by cleanup
                (exit "$st") ;;
        esac
        rc=$?
        diag "$1, $2: exit $rc, $FILE now $(value); $(grep -i restor "$TMP/out" | tr '\n' ' ')"
}

for how in restore guardian start; do
        replay $how "another start time" "$KEY $ORIG $OURS @$sleeper:$((start + 1)) $THERE"
        check "live restore-anchor: $how: pid $sleeper is another process: its cgroup's $FILE left as it is" \
                eval '[ "$(value)" = "$OURS" ]'
        check "live restore-anchor: $how: said so (the container is gone), the line dropped" \
                eval 'grep -q "not restoring $KEY = $ORIG in $THERE: the container is gone" "$TMP/out" && [ ! -e "$STATE" ]'
        replay $how "no identity (an older file)" "$KEY $ORIG $OURS $THERE"
        check "live restore-anchor: $how: an old line through /proc/PID/root is not written through" \
                eval '[ "$(value)" = "$OURS" ]'
        check "live restore-anchor: $how: said so, the line dropped" \
                eval 'grep -q "not restoring $KEY = $ORIG in $THERE: the entry names no process" "$TMP/out" && [ ! -e "$STATE" ]'
        replay $how "the process itself" "$KEY $ORIG $OURS @$sleeper:$start $THERE"
        check "live restore-anchor: $how: the very process: put back ($FILE = $ORIG)" \
                eval '[ "$(value)" = "$ORIG" ] && [ ! -e "$STATE" ]'
done
replay restore "the exit status" "$KEY $ORIG $OURS @$sleeper:$((start + 1)) $THERE"
check "live restore-anchor: --restore exits 0 after dropping a stale line (exit $rc)" [ "$rc" = 0 ]
exit $((failures > 0))
