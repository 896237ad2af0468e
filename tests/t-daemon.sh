#!/bin/bash
# The daemon's contract with its service manager and its admin: sd_notify
# READY/STATUS/WATCHDOG/RELOADING/STOPPING, SIGHUP reload (a bad file keeps
# the running policy), clean stop on SIGTERM. Runs on a fixture root so it
# touches nothing on this machine.
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
SCEN=tests/scenarios/v2-pod-over-limit
cleanup() {
        [ -n "${og:-}" ] && kill "$og" 2>/dev/null
        [ -n "${nl:-}" ] && kill "$nl" 2>/dev/null
        wait 2>/dev/null
        rm -rf "$TMP"
}
trap cleanup EXIT
# ready_after_reload N: the N-th RELOADING=1 (with its MONOTONIC_USEC) is
# followed by a READY=1 before any later RELOADING=1: what Type=notify-reload
# waits for before it calls the reload done.
ready_after_reload() {
        awk -v n="$1" '/^RELOADING=1\|MONOTONIC_USEC=[1-9][0-9]*$/ { r++; next }
                       r == n && /^READY=1$/ { found = 1; exit }
                       END { exit !found }' "$TMP/notes"
}
cp "$SCEN/conf" "$TMP/conf"
$B/helpers/notify-listen "$TMP/notify" 30 > "$TMP/notes" &
nl=$!
wait_for "[ -S $TMP/notify ]" 5 || { not_ok "daemon: notify socket"; exit 1; }
NOTIFY_SOCKET=$TMP/notify WATCHDOG_USEC=400000 \
        $OOMGUARD --root "$SCEN/root" -c "$TMP/conf" --dry-run --log stderr 2> "$TMP/log" &
og=$!
check "daemon: READY=1 sent" wait_for "grep -q '^READY=1' $TMP/notes" 5
check "daemon: STATUS= says what it watches" grep -q '^STATUS=watching 3 cgroups (dry-run)' "$TMP/notes"
check "daemon: watchdog pinged" wait_for "grep -q '^WATCHDOG=1' $TMP/notes" 5
check "daemon: the rule fired" wait_for "grep -q 'would kill pid 102 (nginx): rule pods on /kubepods/pod-a' $TMP/log" 5

# A broken file on SIGHUP: every error logged, old policy kept.
printf '[cgroup:pods]\npath = kubepods\nusage_above = 150%%\n[bogus]\n' > "$TMP/conf"
kill -HUP $og
check "daemon: bad reload is refused" wait_for "grep -q 'reload of .* failed; keeping the running policy' $TMP/log" 5
check "daemon: bad reload reports file:line errors" grep -q "$TMP/conf:3: usage_above" "$TMP/log"
check "daemon: bad reload reports all errors" grep -q "$TMP/conf:4: " "$TMP/log"
check "daemon: RELOADING=1 then READY=1" wait_for "ready_after_reload 1" 5
check "daemon: still running after a bad reload" kill -0 $og

# A good file on SIGHUP replaces the policy.
printf '[daemon]\ninterval = 20ms\n[cgroup:burst]\npath = /kubepods/pod-b\nusage_above = 5%%\naction = warn\n' > "$TMP/conf"
kill -HUP $og
check "daemon: good reload applied" wait_for "grep -q 'reloaded $TMP/conf: 1 cgroup rules, 1 cgroups watched' $TMP/log" 5
check "daemon: good reload: RELOADING=1 then READY=1" wait_for "ready_after_reload 2" 5
check "daemon: new rule fires" wait_for "grep -q 'would warn: rule burst on /kubepods/pod-b' $TMP/log" 5

kill -TERM $og
if wait_for "! kill -0 $og 2>/dev/null" 5; then
        wait $og; rc=$?
        check "daemon: SIGTERM stops with status 0" [ $rc = 0 ]
else
        not_ok "daemon: SIGTERM did not stop it"
fi
og=
check "daemon: STOPPING=1 sent" wait_for "grep -q '^STOPPING=1' $TMP/notes" 5
diag "$(cat "$TMP/log" | head -20)"
[ $failures -gt 0 ] && diag "notifications (WATCHDOG=1 left out):" "$(grep -v '^WATCHDOG=1$' "$TMP/notes")"
exit $((failures > 0))
