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
cleanup() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null; rm -rf "$D" "$T" ${C:+"$C"}; }
trap cleanup EXIT
printf '[global]\nmem_available_below = 1%%\naction = warn\n' > "$D/c.conf"
chmod 644 "$D/c.conf"
FIX="a privileged oomguard (root, or with capabilities) trusts a policy only root can change (chown root, chmod go-w, or move it)"
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

# Not root but with a capability (the unit's dynamic user with ambient
# capabilities): checked as root is; by --check-config, at start, and at
# a SIGHUP sent by hand (not through the unit's ExecReload=+, which
# checks as root). Without any capability it is not checked: that
# daemon can harm nothing its user could not harm already. In a
# directory nobody can enter, on a root-owned file.
kill "$og" 2>/dev/null; wait "$og" 2>/dev/null; og=
C=$(mktemp -d /run/oomguard-t-trust-caps.XXXXXX)
chmod 755 "$C"
cp "$D/c.conf" "$C/c.conf"
chmod 666 "$C/c.conf"
AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"
WITH_KILL="$AS_NOBODY --inh-caps=+kill --ambient-caps=+kill"
FIXC="a privileged oomguard (root, or with capabilities) trusts a policy only root can change"
out=$($WITH_KILL $OOMGUARD -n -c "$C/c.conf" 2>&1); rc=$?
if [ $rc = 1 ] && grep -qF "$C/c.conf: the policy file is group- or world-writable (mode 0666); $FIXC" <<<"$out"; then
        ok "trust: as nobody with CAP_KILL, a world-writable file refused"
else
        not_ok "trust: as nobody with CAP_KILL, a world-writable file refused (status $rc)"; diag "got: $(head -3 <<<"$out")"
fi
check "trust: as nobody without capabilities, it is accepted" \
        bash -c "$AS_NOBODY $OOMGUARD -n -c $C/c.conf >/dev/null 2>&1"
timeout 10 $WITH_KILL $OOMGUARD -c "$C/c.conf" --dry-run --log stderr 2> "$T/caps-start.log"; rc=$?
check "trust: a daemon with CAP_KILL refuses to start on it (status $rc)" [ $rc = 1 ]
check "trust: and says why" grep -qF "mode 0666); $FIXC" "$T/caps-start.log"
chmod 644 "$C/c.conf"
$WITH_KILL $OOMGUARD -c "$C/c.conf" --dry-run --log stderr 2> "$T/caps.log" &
og=$!
wait_for "grep -q guarding $T/caps.log 2>/dev/null" 5
chmod 666 "$C/c.conf"
kill -HUP "$og"
check "trust: with CAP_KILL, a SIGHUP reload of it fails" \
        wait_for "grep -q 'reload of $C/c.conf failed; keeping the running policy' $T/caps.log" 5
check "trust: and the daemon runs on" kill -0 "$og"
kill "$og"; wait "$og"; og=
$AS_NOBODY $OOMGUARD -c "$C/c.conf" --dry-run --log stderr 2> "$T/nocaps.log" &
og=$!
check "trust: a daemon without capabilities starts on it" wait_for "grep -q guarding $T/nocaps.log 2>/dev/null" 5
n=$(grep -c 'reloaded' "$T/nocaps.log")
kill -HUP "$og"
check "trust: and reloads it" wait_for "[ \$(grep -c reloaded $T/nocaps.log) -gt $n ]" 5
rm -rf "$C"
exit $((failures > 0))
