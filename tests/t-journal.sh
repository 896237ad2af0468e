#!/bin/bash
# Structured journal events: with --log journal every action is one entry
# with MESSAGE_ID and OOMGUARD_* fields. A stand-in journal socket records
# what libsystemd sends (only where no real journald owns the socket).
. "$(dirname "$0")/lib.sh"
SOCK=/run/systemd/journal/socket
if [ -e $SOCK ]; then skip "journal: a real journald owns $SOCK; not replacing it"; exit 0; fi
if [ "$(id -u)" != 0 ]; then skip "journal: needs root to create $SOCK"; exit 0; fi
made_dir=
[ -d /run/systemd/journal ] || { mkdir -p /run/systemd/journal && made_dir=1; }
TMP=$(mktemp -d)
cleanup() {
        [ -n "${nl:-}" ] && kill "$nl" 2>/dev/null
        wait 2>/dev/null
        rm -f $SOCK
        [ -n "$made_dir" ] && rmdir /run/systemd/journal 2>/dev/null
        rm -rf "$TMP"
}
trap cleanup EXIT
$B/helpers/notify-listen $SOCK 20 > "$TMP/entries" &
nl=$!
wait_for "[ -S $SOCK ]" 5 || { not_ok "journal: stand-in socket"; exit 1; }
SCEN=tests/scenarios/supervisor-first
$OOMGUARD --root "$SCEN/root" -c "$SCEN/conf" --dry-run --ticks 3 --log journal 2> "$TMP/stderr"
wait_for "grep -q OOMGUARD_RULE=web $TMP/entries" 5
entry=$(grep OOMGUARD_RULE=web "$TMP/entries" | head -1)
diag "$(printf '%s' "$entry" | tr '|' '\n' | head -12)"
has() { printf '%s' "$entry" | tr '|' '\n' | grep -qx -- "$1"; }
check "journal: one entry per action" [ "$(grep -c OOMGUARD_RULE=web "$TMP/entries")" = 1 ]
check "journal: MESSAGE_ID of an action" has "MESSAGE_ID=5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a61"
check "journal: PRIORITY warning" has "PRIORITY=4"
check "journal: OOMGUARD_CGROUP" has "OOMGUARD_CGROUP=/web"
check "journal: OOMGUARD_VICTIM_PID" has "OOMGUARD_VICTIM_PID=303"
check "journal: OOMGUARD_VICTIM_COMM" has "OOMGUARD_VICTIM_COMM=nginx"
check "journal: OOMGUARD_SUPERVISOR_PID" has "OOMGUARD_SUPERVISOR_PID=301"
check "journal: OOMGUARD_REASON" sh -c "printf '%s' '$entry' | tr '|' '\n' | grep -q '^OOMGUARD_REASON=working set 93.8% of limit'"
check "journal: MESSAGE says what would be done" sh -c "printf '%s' '$entry' | tr '|' '\n' | grep -q '^MESSAGE=dry-run: would kill pid 303 (nginx): rule web on /web'"
check "journal: nothing went to stderr" [ ! -s "$TMP/stderr" ]
exit $((failures > 0))
