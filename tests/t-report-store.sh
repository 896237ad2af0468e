#!/bin/bash
# The report directory on a full and on a read-only filesystem (root: a
# 64 KiB tmpfs of its own, unmounted on exit): writing goes on, every
# report that does not fit is dropped with ONE warning ("reports: not
# written: No space left on device (1 dropped)") until a write succeeds
# again, which says how many were dropped; no temp file stays; what was
# written is whole JSON. The writer is tests/bench/reportcost, the store
# the guard uses.
. "$(dirname "$0")/lib.sh"
TOOL=$B/bench/reportcost
if [ "$(id -u)" != 0 ]; then
        skip "report store: a full filesystem: needs root (mount -t tmpfs)"
        exit 0
fi
if [ ! -x "$TOOL" ]; then
        not_ok "report store: $TOOL not built"
        exit 1
fi
MNT=$(mktemp -d)
cleanup() {
        umount "$MNT" 2>/dev/null
        rmdir "$MNT"
}
trap cleanup EXIT
if ! mount -t tmpfs -o size=64k,mode=0755 oomguard-test "$MNT"; then
        skip "report store: a full filesystem: cannot mount a tmpfs"
        exit 0
fi
D=$MNT/reports

# 40 reports of ~2.6 KiB into 64 KiB (a page each): most are dropped.
"$TOOL" write "$D" 40 > "$MNT/../out.$$" 2> "$MNT/../err.$$"; rc=$?
out=$(cat "$MNT/../out.$$"); err=$(cat "$MNT/../err.$$"); rm -f "$MNT/../out.$$" "$MNT/../err.$$"
written=$(sed -n 's/^written \([0-9]*\) dropped \([0-9]*\).*/\1/p' <<<"$out")
dropped=$(sed -n 's/^written \([0-9]*\) dropped \([0-9]*\).*/\2/p' <<<"$out")
check "report store: full: the writer goes on (exit $rc, $out)" eval \
        '[ $rc = 0 ] && [ "${written:-0}" -gt 0 ] && [ "${dropped:-0}" -gt 0 ] && [ $((written + dropped)) = 40 ]'
n=$(grep -c "reports: not written: " <<<"$err")
check "report store: full: one warning for $dropped dropped ($n)" eval \
        '[ "$n" = 1 ] && grep -q "reports: not written: No space left on device (1 dropped)$" <<<"$err"'
check "report store: full: no temp file left" test -z "$(find "$D" -name '.*')"
bad=0
for f in "$D"/*.json; do jq -e . "$f" > /dev/null 2>&1 || bad=$((bad + 1)); done
check "report store: full: the $written written are whole JSON" test $bad = 0
diag "$written written, $dropped dropped on a 64 KiB tmpfs"

# Room again (an admin removed some): the next write says how many were lost.
rm -f "$(ls -d "$D"/*.json | head -1)" "$(ls -d "$D"/*.json | head -2 | tail -1)"
"$TOOL" write "$D" 1 > /dev/null 2> "$MNT/../err.$$"; err=$(cat "$MNT/../err.$$"); rm -f "$MNT/../err.$$"
check "report store: room again: written, nothing to warn about" test -z "$err"

# Read-only: dropped, warned once; after remount rw, written again.
mount -o remount,ro "$MNT"
"$TOOL" write "$D" 3 > /dev/null 2> "$MNT/../err.$$"; err=$(cat "$MNT/../err.$$"); rm -f "$MNT/../err.$$"
check "report store: read-only: one warning" eval \
        '[ $(grep -c "reports: not written: Read-only file system" <<<"$err") = 1 ]'
mount -o remount,rw "$MNT"
exit $((failures > 0))
