#!/bin/bash
# Live kill tests in real cgroup v1 memory cgroups, judged by the kernel's
# own oom_kill counter: oomguard must kill the right process before the
# kernel does, every time, and never the wrong one. oomguard may act only
# inside the cgroup this test creates.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live kill: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live kill: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
HOG=$(realpath "$B/helpers/hog")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-kill-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)
RUNS=${OOMGUARD_KILL_RUNS:-20}

stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
cleanup() {
        stop_guard
        if [ -d "$CG" ]; then
                for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"; done
                wait 2>/dev/null
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "live kill: create $CG"; exit 1; }
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }

# start_guard EXTRA_CONFIG_LINES: oomguard watching only our cgroup.
start_guard() {
        printf '[daemon]\ninterval = 100ms\npost_kill_delay = 100ms\n%s\n[cgroup:test]\npath = %s\nusage_above = 90%%\naction = kill\n%s\n' \
                "$1" "$REL" "$2" > "$TMP/conf"
        : > "$TMP/log"
        $OOMGUARD -c "$TMP/conf" --log stderr $OG_FLAGS 2> "$TMP/log" &
        og=$!
        wait_for "grep -q guarding $TMP/log" 5
}
# in_cgroup CMD...: run CMD inside the test cgroup (background); pid in $!
in_cgroup() { sh -c "echo \$\$ > $CG/cgroup.procs; exec \"\$@\"" sh "$@" & }

# 1. Full-speed hog, RUNS times: oomguard first every time.
start_guard "max_kills_per_minute = 100" ""
wins=0
for i in $(seq "$RUNS"); do
        before=$(oom_kills)
        in_cgroup "$HOG" 1024 > /dev/null 2>&1
        pid=$!
        wait $pid 2>/dev/null; rc=$?
        # The hog can be reaped before oomguard has written its event.
        logged "$TMP/log" "kill pid $pid (hog)" 2
        if [ "$(oom_kills)" = "$before" ] && [ $rc = 137 ] && grep -q "kill pid $pid (hog)" "$TMP/log"; then
                wins=$((wins + 1))
        else
                diag "run $i: exit $rc, kernel oom_kill $before -> $(oom_kills)"
        fi
done
diag "full-speed hog: $wins/$RUNS killed by oomguard before the kernel"
check "live kill: full-speed hog, oomguard first in $wins/$RUNS" [ $wins = "$RUNS" ]
check "live kill: kernel oom_kill stayed 0" [ "$(oom_kills)" = 0 ]
check "live kill: woken by the v1 usage threshold" grep -q "OOMGUARD_WAKEUP=v1 usage threshold" "$TMP/log"
stop_guard

# 2. A slow leak with kill_grace: SIGTERM is enough, no SIGKILL.
start_guard "kill_grace = 2s" ""
in_cgroup "$HOG" 1024 20 > /dev/null 2> "$TMP/hog.err"
pid=$!
wait $pid 2>/dev/null; rc=$?
check "live kill: slow leak exits cleanly on SIGTERM (status $rc)" [ $rc = 0 ]
check "live kill: the hog saw SIGTERM" grep -q "SIGTERM, exiting cleanly" "$TMP/hog.err"
check "live kill: event says no SIGKILL was needed" logged "$TMP/log" "kill pid $pid (hog).*OOMGUARD_SIGNAL=SIGTERM.*(exited on SIGTERM)"
check "live kill: kernel oom_kill still 0" [ "$(oom_kills)" = 0 ]
stop_guard

# 3. protect: the biggest process is protected, so the smaller grower
#    (named like a stat-parsing attack) is the one to die.
cp "$HOG" "$TMP/keeper"; cp "$HOG" "$TMP/bighog"; cp "$HOG" "$TMP/x) R 1 (y"
start_guard "protect = ^keeper$" ""
in_cgroup "$TMP/keeper" 150 0 hold > "$TMP/keeper.out"; keeper=$!
wait_for "grep -q ready $TMP/keeper.out" 5
in_cgroup "$TMP/x) R 1 (y" 1024 200 > /dev/null 2>&1; hostile=$!
wait $hostile 2>/dev/null; rc=$?
check "live kill: the grower 'x) R 1 (y' was killed (status $rc)" [ $rc = 137 ]
check "live kill: its name was parsed whole" logged "$TMP/log" "kill pid $hostile (x) R 1 (y): rule test"
check "live kill: the bigger protected process lives" kill -0 $keeper
check "live kill: kernel oom_kill still 0 (protect)" [ "$(oom_kills)" = 0 ]
stop_guard
kill $keeper; wait $keeper 2>/dev/null

# 4. prefer changes the choice: a smaller preferred process dies before a
#    bigger one, and the grower (smallest) is spared.
start_guard "" "prefer = ^keeper$"
in_cgroup "$TMP/bighog" 120 0 hold > "$TMP/big.out"; big=$!
in_cgroup "$TMP/keeper" 50 0 hold > "$TMP/keeper.out"; keeper=$!
wait_for "grep -q ready $TMP/big.out && grep -q ready $TMP/keeper.out" 5
in_cgroup "$TMP/x) R 1 (y" 1024 100 > /dev/null 2>&1; hostile=$!
wait_for "! kill -0 $keeper 2>/dev/null" 15
check "live kill: prefer = ^keeper$ chose the smaller keeper" logged "$TMP/log" "kill pid $keeper (keeper)"
check "live kill: the bigger unpreferred process was spared" kill -0 $big
check "live kill: the smallest (the grower) was spared by that kill" \
        [ "$(grep -c "kill pid $hostile" "$TMP/log")" = 0 ]
stop_guard
kill $big $hostile 2>/dev/null; wait 2>/dev/null
check "live kill: kernel oom_kill still 0 (prefer)" [ "$(oom_kills)" = 0 ]

# 6. A big cgroup (1,000 sleepers): the choice goes through the victim
# ranking walked in the background (OOMGUARD_CHOICE says so) and still
# picks the hog, before the kernel. Without the proc connector the ranking
# must not answer (an exec since the walk would be unseen): a full scan. A protected ballast keeps
# the cgroup above half its limit, where oomguard starts ranking it.
SPAWN=$(realpath "$B/helpers/spawn")
cp "$HOG" "$TMP/ballast"
for mode in connector scan; do
        "$SPAWN" 1000 "$CG" > "$TMP/spawn.out" 2>&1 & sp=$!
        wait_for "grep -q ready $TMP/spawn.out" 60
        in_cgroup "$TMP/ballast" 30 0 hold > /dev/null 2>&1; ballast=$!
        wait_for "[ \$(cat $CG/memory.usage_in_bytes) -gt $((100 << 20)) ]" 20
        [ $mode = scan ] && export OOMGUARD_NO_PROC_CONNECTOR=1
        OG_FLAGS=-v start_guard "max_kills_per_minute = 100" "protect = comm:^ballast\$"
        unset OOMGUARD_NO_PROC_CONNECTOR
        # The walk: ~1,000 reads in 2 ms slices, one per 100 ms tick (seconds
        # in a sanitized build on a loaded machine). -v says when it is done.
        [ $mode = connector ] && { wait_for "grep -q 'ranking of .* ready: .* of 100[0-9] processes' $TMP/log" 60 ||
                diag "no ranking ready after 60 s: $(grep -c ranking "$TMP/log") ranking lines"; }
        [ $mode = connector ] && diag "$(grep -o 'ranking of .* ready.*' "$TMP/log" | head -1 | sed 's/^ranking of [^ ]*/ranking/')"
        [ $mode = scan ] && { wait_for "grep -q 'ranking of .* ready' $TMP/log" 10 || :; }
        before=$(oom_kills)
        # A full scan of 1,000 processes takes ~40 ms: at full speed the
        # kernel would win that race, so the scan's turn gets 200 MiB/s.
        # With the connector the ranking answers at full speed in both
        # builds (the sanitized one's walk takes seconds: the host's forks
        # meanwhile once overran the births ring, and it scanned).
        rate=0; [ $mode = scan ] && rate=200
        in_cgroup "$HOG" 1024 $rate > /dev/null 2>&1; pid=$!
        wait $pid 2>/dev/null; rc=$?
        logged "$TMP/log" "kill pid $pid (hog)" 2
        ev=$(grep "kill pid $pid (hog)" "$TMP/log" | head -1)
        diag "ranking ($mode): $(grep -o 'OOMGUARD_CHOOSE_MS=[0-9.]*' <<<"$ev") $(grep -o 'OOMGUARD_CHOICE=[^=]* processes' <<<"$ev")"
        check "live kill: 1,000-process cgroup ($mode): the hog killed before the kernel" \
                [ "$(oom_kills)" = "$before" -a $rc = 137 -a -n "$ev" ]
        if [ $mode = connector ]; then
                check "live kill: 1,000-process cgroup ($mode): chosen through the ranking" \
                        grep -q "OOMGUARD_CHOICE=ranking: [0-9]* candidates read of 100[0-9] processes" <<<"$ev"
        else    # an exec since the walk would be unseen: the ranking must not answer
                check "live kill: 1,000-process cgroup ($mode): no connector, so the whole cgroup was scanned" \
                        grep -q "OOMGUARD_CHOICE=scan: 100[0-9] processes read" <<<"$ev"
        fi
        stop_guard
        kill $ballast $sp 2>/dev/null; wait $ballast $sp 2>/dev/null
done

# 5. kill-cgroup on v1: every process of the cgroup, frozen first through
#    its freezer twin so none can fork away, thawed after; kernel oom_kill 0.
FRZ=/sys/fs/cgroup/freezer$REL
# Our own freezer cgroup is the root here: create the twin path below it
# and remember every level we made, to remove them all afterwards.
made=""
d=$FRZ
while [ ! -d "$d" ] && [ "$d" != /sys/fs/cgroup/freezer ]; do made="$d $made"; d=$(dirname "$d"); done
if [ -d /sys/fs/cgroup/freezer ] && mkdir -p "$FRZ" 2>/dev/null; then
        start_guard "" ""
        sed -i 's/^action = kill$/action = kill-cgroup/' "$TMP/conf"
        stop_guard
        : > "$TMP/log"
        $OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log" & og=$!
        wait_for "grep -q guarding $TMP/log" 5
        members="" before=$(oom_kills)
        for i in 1 2 3; do
                sh -c "echo \$\$ > $FRZ/cgroup.procs; echo \$\$ > $CG/cgroup.procs; exec sleep 600" & members="$members $!"
        done
        # The sleepers in before the grower: else the check below could see
        # the cgroup empty before they joined, or one join after the sweep.
        for p in $members; do wait_for "grep -qx $p $CG/cgroup.procs" 10; done
        sh -c "echo \$\$ > $FRZ/cgroup.procs; echo \$\$ > $CG/cgroup.procs; exec $HOG 1024 300" > /dev/null 2>&1 & members="$members $!"
        wait_for "[ ! -s $CG/cgroup.procs ]" 15
        check "live kill: kill-cgroup emptied the cgroup" [ ! -s "$CG/cgroup.procs" ]
        check "live kill: kill-cgroup event says so" logged "$TMP/log" "kill-cgroup: rule test on $REL: .*cgroup emptied ([0-9]* processes signalled, frozen first)"
        diag "$(grep -o 'kill-cgroup: rule test.*OOMGUARD_RULE' "$TMP/log" | cut -c1-200)"
        check "live kill: the freezer twin was thawed again" grep -qx THAWED "$FRZ/freezer.state"
        check "live kill: kernel oom_kill unchanged (kill-cgroup)" [ "$(oom_kills)" = "$before" ]
        stop_guard
        wait 2>/dev/null
        for d in $(echo $made | tr ' ' '\n' | tac); do rmdir "$d"; done
else
        skip "live kill: kill-cgroup on v1: no freezer hierarchy to twin"
fi
exit $((failures > 0))
