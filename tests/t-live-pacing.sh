#!/bin/bash
# Pacing with the default post_kill_delay and max_kills_per_minute, in real
# cgroup v1 memory cgroups, judged by the kernel's own oom_kill counter:
# a fresh episode (a second full-speed hog started 0.3 s after the first
# was killed, in the same cgroup) is acted on at once, never handed to the
# kernel; so is a first episode in another cgroup right after a kill; the
# per-minute cap still holds a storm back. oomguard may act only inside the
# cgroups this test creates.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live pacing: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live pacing: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
HOG=$(realpath "$B/helpers/hog")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-pacing-$$
TMP=$(mktemp -d)
PAIRS=10 # default cap: 10 kills a minute, so 5 pairs per run of oomguard
GAP=0.3  # from the first hog's death to the second hog's start

stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
cleanup() {
        stop_guard
        for d in $MEMROOT$REL/a $MEMROOT$REL/b $MEMROOT$REL; do
                [ -d "$d" ] || continue
                for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$d/cgroup.procs"; done
                wait 2>/dev/null
                wait_for "rmdir $d 2>/dev/null" 5 || echo "# could not remove $d"
        done
        rm -rf "$TMP"
}
trap cleanup EXIT
for c in "" /a /b; do
        mkdir "$MEMROOT$REL$c" || { not_ok "live pacing: create $MEMROOT$REL$c"; exit 1; }
done
echo 256M > "$MEMROOT$REL/a/memory.limit_in_bytes" && echo 256M > "$MEMROOT$REL/b/memory.limit_in_bytes" ||
        { not_ok "live pacing: set the limits"; exit 1; }
oom_kills() { sed -n 's/^oom_kill //p' "$MEMROOT$REL/$1/memory.oom_control"; }

# Default pacing: no [daemon] section at all.
printf '[cgroup:test]\npath = %s/*\nusage_above = 90%%\naction = kill\n' "$REL" > "$TMP/conf"
start_guard() {
        : > "$TMP/log"
        $OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log" &
        og=$!
        wait_for "grep -q guarding $TMP/log" 5
}

# hog CG: a full-speed hog in cgroup CG, waited for; "won" when oomguard
# killed it and the kernel's oom_kill of CG did not move.
hog() {
        local before rc pid
        before=$(oom_kills "$1")
        sh -c "echo \$\$ > $MEMROOT$REL/$1/cgroup.procs; exec $HOG 1024" > /dev/null 2>&1 &
        pid=$!
        wait $pid 2>/dev/null; rc=$?
        logged "$TMP/log" "kill pid $pid (hog)" 2 # the hog can be reaped before the event is written
        if [ "$(oom_kills "$1")" = "$before" ] && [ $rc = 137 ] && grep -q "kill pid $pid (hog)" "$TMP/log"; then
                return 0
        fi
        diag "hog $pid in $1: exit $rc, kernel oom_kill $before -> $(oom_kills "$1")"
        return 1
}

# 1. PAIRS pairs in cgroup a, GAP apart; a fresh oomguard every 5 pairs.
firsts=0 seconds=0 before=$(oom_kills a)
for i in $(seq "$PAIRS"); do
        [ $(( (i - 1) % 5 )) = 0 ] && { stop_guard; start_guard; }
        hog a && firsts=$((firsts + 1))
        sleep $GAP
        hog a && seconds=$((seconds + 1))
        sleep $GAP
done
diag "pairs: first hog killed by oomguard in $firsts/$PAIRS, second ($GAP s after) in $seconds/$PAIRS;" \
        "kernel oom_kill $before -> $(oom_kills a)"
check "live pacing: first hog of each pair killed by oomguard, $firsts/$PAIRS" [ $firsts = $PAIRS ]
check "live pacing: second hog, $GAP s after the first died, killed by oomguard, $seconds/$PAIRS" [ $seconds = $PAIRS ]
check "live pacing: kernel oom_kill unchanged over $PAIRS pairs" [ "$(oom_kills a)" = "$before" ]
check "live pacing: the log said the rule cleared between kills" grep -q "rule test on $REL/a: back below its thresholds" "$TMP/log"

# 2. The cap: 10 kills in this minute already; an 11th hog is not acted on
#    (the kernel's killer takes it) and the log says why.
before=$(oom_kills a)
sh -c "echo \$\$ > $MEMROOT$REL/a/cgroup.procs; exec $HOG 1024" > /dev/null 2>&1 &
pid=$!
wait $pid 2>/dev/null; rc=$?
check "live pacing: max_kills_per_minute still holds: the 11th hog left to the kernel (exit $rc)" \
        [ "$(oom_kills a)" = $((before + 1)) -a $rc = 137 ]
check "live pacing: the cap was logged" grep -q "rule test: not acting: 10 kills in the last minute (max_kills_per_minute)" "$TMP/log"
check "live pacing: not killed by oomguard" [ "$(grep -c "kill pid $pid " "$TMP/log")" = 0 ]

# 3. Another cgroup's first episode right after a kill in a: acted on at
#    once (post_kill_delay is per cgroup).
stop_guard
start_guard
other=0
for i in 1 2 3; do
        hog a && hog b && other=$((other + 1))
        sleep $GAP
done
check "live pacing: a hog in b started right after a kill in a killed by oomguard, $other/3" [ $other = 3 ]
stop_guard
exit $((failures > 0))
