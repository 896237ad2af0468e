#!/bin/bash
# A root oomguard trusts only a policy file only root can change (as
# OpenSSH's StrictModes): owned by root, writable by neither group nor
# others, nor any of its directories. Refused at --check-config, at start
# and at a reload (the running policy stays), each time naming the file,
# the reason and the fix; accepted again once fixed; not checked as a user
# or with the tests' opt-out. On files this test makes under /run and /tmp.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ]; then skip "trust: needs root (the check is root's)"; exit 0; fi
unset OOMGUARD_TEST_TRUST_ANY_CONFIG
D=$(mktemp -d /run/oomguard-t-trust.XXXXXX)
T=$(mktemp -d)
cleanup() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null; rm -rf "$D" "$T"; }
trap cleanup EXIT
printf '[global]\nmem_available_below = 1%%\naction = warn\n' > "$D/c.conf"
chmod 644 "$D/c.conf"
FIX="a root oomguard trusts a policy only root can change (chown root, chmod go-w, or move it)"
# refused WHAT FILE MESSAGE: -n exits 1 and prints MESSAGE
refused() {
        out=$($OOMGUARD -n -c "$2" 2>&1); rc=$?
        if [ $rc = 1 ] && grep -qF -- "$3" <<<"$out"; then ok "trust: $1 refused"; else
                not_ok "trust: $1 refused (status $rc)"; diag "expected: $3"; diag "got: $(head -3 <<<"$out")"; fi
}
check "trust: root's file 0644 in root's directories is accepted" bash -c "$OOMGUARD -n -c $D/c.conf >/dev/null 2>&1"
chmod 666 "$D/c.conf"
refused "a world-writable file" "$D/c.conf" "$D/c.conf: the policy file is group- or world-writable (mode 0666); $FIX"
chmod 664 "$D/c.conf"
refused "a group-writable file" "$D/c.conf" "$D/c.conf: the policy file is group- or world-writable (mode 0664)"
chmod 644 "$D/c.conf"; chown nobody "$D/c.conf"
refused "a file owned by nobody" "$D/c.conf" "$D/c.conf: the policy file is owned by uid $(id -u nobody), not root"
chown root "$D/c.conf"; chmod 770 "$D"
refused "a file in a group-writable directory" "$D/c.conf" "the policy file: its directory \"$D\" is group- or world-writable (mode 0770)"
chmod 700 "$D"
cp "$D/c.conf" "$T/c.conf"
refused "a file under /tmp" "$T/c.conf" "the policy file: its directory \"/tmp\" is group- or world-writable (mode 1777)"
ln -s "$T/c.conf" "$D/link.conf"
refused "a symlink to a file under /tmp" "$D/link.conf" "its directory \"/tmp\" is group- or world-writable"
check "trust: the tests' opt-out accepts it" bash -c "OOMGUARD_TEST_TRUST_ANY_CONFIG=1 $OOMGUARD -n -c $T/c.conf >/dev/null 2>&1"
chown nobody "$T" "$T/c.conf"
check "trust: as a user, one's own file under /tmp is accepted" \
        bash -c "setpriv --reuid=nobody --regid=nogroup --clear-groups $OOMGUARD -n -c $T/c.conf >/dev/null 2>&1"
chown root "$T" "$T/c.conf"

# The daemon: refused at start; at a reload the running policy stays.
chmod 666 "$D/c.conf"
timeout 10 $OOMGUARD -c "$D/c.conf" --dry-run --log stderr 2> "$T/start.log"; rc=$?
check "trust: the daemon refuses to start on it (status $rc)" [ $rc = 1 ]
check "trust: and says why" grep -qF "mode 0666); $FIX" "$T/start.log"
chmod 644 "$D/c.conf"
$OOMGUARD -c "$D/c.conf" --dry-run --log stderr 2> "$T/log" &
og=$!
wait_for "grep -q guarding $T/log" 5
chmod 666 "$D/c.conf"
kill -HUP "$og"
check "trust: a reload of a world-writable file fails" wait_for "grep -q 'reload of $D/c.conf failed; keeping the running policy' $T/log" 5
check "trust: the reload says why" grep -qF "$D/c.conf: the policy file is group- or world-writable (mode 0666)" "$T/log"
check "trust: the daemon runs on" kill -0 "$og"
chmod 644 "$D/c.conf"
n=$(grep -c 'READY\|reloaded\|guarding' "$T/log")
kill -HUP "$og"
check "trust: once fixed, a reload takes it" wait_for "[ \$(grep -c 'READY\|reloaded\|guarding' $T/log) -gt $n ]" 5
exit $((failures > 0))
