#!/bin/bash
# The journal's socket gone, stalled and back (issue 16): oomguard logs
# with sd_journal_sendv to /run/systemd/journal/socket. In a mount
# namespace of its own (unshare -m: a tmpfs over /run, nothing of the
# host's touched) the socket is a stand-in journald
# (tests/helpers/journal-listen.py: AF_UNIX datagrams, as journald's
# native socket) that the test removes, stalls and brings back. While it
# is gone or stalled a full-speed hog in a v1 cgroup must still be killed
# by oomguard before the kernel (the cgroup's oom_kill), and once it is
# back the next event must arrive there. Root, v1 memory controller.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
PY=/usr/bin/python3
if [ "$(id -u)" != 0 ]; then skip "live journal: needs root (a mount namespace, memory cgroups)"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live journal: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
if [ ! -x $PY ]; then skip "live journal: $PY missing (the stand-in journald)"; exit 0; fi

if [ "${2:-}" != --inside ]; then
        # Re-run this script in a private mount namespace with /run its own.
        exec unshare --mount --propagation private -- bash "$0" "$1" --inside
fi
mount -t tmpfs -o mode=755 tmpfs /run || { not_ok "live journal: a tmpfs over /run in the namespace"; exit 1; }
mkdir -p /run/systemd/journal
SOCK=/run/systemd/journal/socket
LISTEN=$(realpath "$(dirname "$0")")/helpers/journal-listen.py
HOG=$(realpath "$B/helpers/hog")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-journal-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)
og='' lp=''
stop_listener() { [ -n "$lp" ] && kill "$lp" 2>/dev/null && wait "$lp" 2>/dev/null; lp=''; rm -f $SOCK; }
cleanup() {
        [ -n "$og" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null
        stop_listener
        if [ -d "$CG" ]; then
                for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done <"$CG/cgroup.procs"; done
                wait 2>/dev/null
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo 256M >"$CG/memory.limit_in_bytes" || { not_ok "live journal: create $CG"; exit 1; }

# listener OUT [stall]: the stand-in journald at $SOCK
listener() {
        rm -f "$1.ready"
        $PY "$LISTEN" $SOCK "$@" &
        lp=$!
        wait_for "[ -e $1.ready ]" 10 || diag "the listener did not start"
}

cat >"$TMP/conf" <<CONF
[daemon]
interval = 100ms
post_kill_delay = 100ms
max_kills_per_minute = 100
[cgroup:journal]
path = $REL
usage_above = 90%
action = kill
CONF
J1=$TMP/journal.1 J2=$TMP/journal.2
listener "$J1"
$OOMGUARD -c "$TMP/conf" --log journal 2>"$TMP/stderr" &
og=$!
check "live journal: oomguard logs to the socket (MESSAGE=guarding arrived)" wait_for "grep -q 'MESSAGE=guarding' $J1" 10
hog_race "live journal" "journal there"
check "live journal: the event names the hog (OOMGUARD_ fields)" wait_for "grep 'kill pid $HOG_PID (hog)' $J1 | grep -q OOMGUARD_RULE=journal" 5

# 1. Gone: journald stopped, its socket removed.
stop_listener
hog_race "live journal" "socket gone"
gone_pid=$HOG_PID
kill -HUP $og # a reload: more messages while nobody listens
check "live journal: socket gone: oomguard still runs" kill -0 $og

# 2. Stalled: a socket that never reads (journald SIGSTOPped or busy), its
# queue already full (the listener filled it: what the machine's other
# processes do to a stopped journald): a blocking send would hold the
# guard on its kill path, right after the first kill.
listener "$TMP/stalled" stall
diag "stalled socket: $(cat "$TMP/stalled.queued") datagrams queued before the guard's"
hog_race "live journal" "socket stalled (queue full)"
hog_race "live journal" "socket stalled, again"
check "live journal: socket stalled: oomguard still runs, not waiting on the socket ($(cat /proc/$og/wchan 2>/dev/null))" \
        sh -c "kill -0 $og && [ \"\$(cat /proc/$og/wchan)\" != unix_wait_for_peer ]"
stop_listener

# 3. Back: a new journald at the same path; the next event arrives.
listener "$J2"
hog_race "live journal" "socket back"
check "live journal: socket back: the next kill's event arrives" wait_for "grep -q 'kill pid $HOG_PID (hog)' $J2" 5
check "live journal: socket back: the first entry says how many were lost" \
        wait_for "grep -q 'MESSAGE=journal: [0-9]* messages lost while its socket was gone or full' $J2" 5
diag "$(grep -o 'MESSAGE=journal: [^=]*' $J2 | head -n 1)"
check "live journal: entries carry SYSLOG_IDENTIFIER=oomguard and the PRIORITY" \
        sh -c "grep 'kill pid $HOG_PID (hog)' $J2 | grep -q 'SYSLOG_IDENTIFIER=oomguard' && grep 'kill pid $HOG_PID (hog)' $J2 | grep -q 'PRIORITY='"
check "live journal: what was logged while it was gone is not replayed" sh -c "! grep -q 'kill pid $gone_pid ' $J2"
check "live journal: nothing went to stderr meanwhile" [ ! -s "$TMP/stderr" ]
[ -s "$TMP/stderr" ] && diag "stderr: $(head -c 300 "$TMP/stderr")"
exit $((failures > 0))
