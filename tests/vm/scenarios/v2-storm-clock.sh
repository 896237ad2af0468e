#!/bin/bash
# vm: layout=v2 mem=384M swap=disk:384M timeout=420
# Two of issue 16's faults, in one VM (one boot instead of two under TCG).
#
# Storm: the whole machine thrashes (two thrashers re-writing 116 % of the
# VM's RAM a page at a time, so pages go out to disk swap and come back
# all the time: ~3,000 swap-ins/s, memory PSI some ~50 %; plus a reader
# churning the page cache through the 9p /usr) while oomguard guards a
# 128 MiB cgroup; a [global] warn rule on machine pressure keeps it
# polling fast (every 10 ms while a rule fires). oomguard is mlocked and
# allocates nothing on the hot path, so its ticks must go on: the longest
# gap between two tick starts, from its own gauge
# oomguard_tick_gap_max_seconds (metrics_interval = 5s, read every 0.5 s),
# must stay under STORM_GAP_MAX_S, and full-speed hogs started in the
# cgroup during the storm must still be killed by oomguard before the
# kernel.
# The bound, 1.5 s: 0.66 s measured, ~2x for a busier host (tests/vm/README.md).
#
# Clock: the wall clock jumps +1 h and -1 h (date -s) right after a kill
# while post_kill_delay (3 s) holds the next one: the next kill must come
# 3 s later on the monotonic clock (/proc/uptime), not at once (a burst)
# nor an hour later (a stall), exactly once; a report for each kill, its
# time on the wall clock.
. "$(dirname "$0")/lib.sh"
name="storm"
root=/sys/fs/cgroup
top=$root/oomguard-vm
cg=$top/hog storm=$top/storm ccg=$top/clock
GAP_MAX_S=${STORM_GAP_MAX_S:-1.5}
mkdir -p $top && echo +memory >$top/cgroup.subtree_control
mkdir -p $cg $storm $ccg && echo 128M >$cg/memory.max && echo 128M >$ccg/memory.max ||
        { not_ok "$name: create the cgroups"; finish; }
[ -x /usr/bin/python3 ] || { skip "$name: /usr/bin/python3 missing on the host (the thrashers)"; finish; }
uptime_s() { local u _; read -r u _ </proc/uptime; echo "$u"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
# Under the storm a fork costs seconds (TCG, every page of awk read back
# from swap): the loops of the storm read /proc and the metrics file in
# bash and wait with read -t on a fifo, their deadlines on /proc/uptime.
mkfifo $TMP/never; exec {never}<>$TMP/never
nap() { read -r -t "$1" -u $never _ || :; }
up_s() { local u _; read -r u _ </proc/uptime; UP=${u%.*}; }     # sets UP, whole seconds
vmstat_of() { local k v; while read -r k v; do [ "$k" = "$1" ] && { VAL=$v; return; }; done </proc/vmstat; }
# gap_us FILE: the gauge in microseconds in GAP ("" when not written yet)
gap_us() {
        local k v; GAP=
        { while read -r k v; do [ "$k" = oomguard_tick_gap_max_seconds ] && { GAP=$((10#${v/./})); return; }; done <"$1"; } 2>/dev/null
}
gap_now() { gap_us "$1"; [ -n "$GAP" ] && printf '%d.%06d\n' $((GAP / 1000000)) $((GAP % 1000000)); }
cleanup() { stop_guard; remove_cgroups $cg $storm $ccg; }
trap cleanup EXIT

# ---- the storm -----------------------------------------------------------
# (CLOCK_ONLY=1 skips it: proving the clock checks against a broken build)
mkdir -p $TMP/metrics $TMP/reports
metrics=$TMP/metrics/oomguard.prom
if [ "${CLOCK_ONLY:-0}" != 1 ]; then
cat >$TMP/storm.conf <<CONF
[daemon]
interval = 100ms
post_kill_delay = 100ms
max_kills_per_minute = 100
metrics_file = $metrics
metrics_interval = 5s
report_dir = $TMP/reports

[global]
psi_some_avg10_above = 5
action = warn

[cgroup:storm]
path = /oomguard-vm/hog
usage_above = 90%
action = kill
CONF
log=$TMP/storm.log
start_guard $TMP/storm.conf $log || { not_ok "$name: oomguard did not start: $(head -c 300 $log)"; finish; }
wait_for "[ -s $metrics ]" 20 || diag "no metrics file after 20 s"
# At rest the gap is the adaptive poll's period (up to 1 s): the gauge works
# (the first write holds one tick: 0; the next one, 5 s later, a gap).
up_s; deadline=$((UP + 20))
while gap_us $metrics; [ "${GAP:-0}" = 0 ] && [ $UP -lt $deadline ]; do nap 0.5; up_s; done
rest_gap=$(gap_now $metrics)
check "$name: at rest the longest tick gap ($rest_gap s) is about the idle poll (0 < gap <= 1.3 s)" \
        awk -v g="${rest_gap:-0}" 'BEGIN { exit !(g > 0 && g <= 1.3) }'

memtotal_mib=$(( $(kv /proc/meminfo MemTotal:) / 1024 ))
vm_mib=$(( memtotal_mib * 58 / 100 )) # two thrashers, 116 % of RAM together
swapin0=$(kv /proc/vmstat pswpin) swapout0=$(kv /proc/vmstat pswpout)
# A thrasher: its memory written a byte a page, over and over (Python from
# the host's /usr: a loop that keeps every page in its working set).
thrash='import sys
n = int(sys.argv[1]) << 20
b = bytearray(n)
while True:
    for i in range(0, n, 4096):
        b[i] = (b[i] + 1) & 255'
for _ in 1 2; do
        sh -c "echo \$\$ >$storm/cgroup.procs; echo 0 >/proc/self/oom_score_adj; exec /usr/bin/python3 -c \"\$1\" $vm_mib" sh "$thrash" &
done
sh -c "echo \$\$ >$storm/cgroup.procs; while :; do find /usr/lib /usr/share -xdev -type f -size -4M -exec cat {} + >/dev/null 2>&1; done" &
diag "storm: two thrashers of $vm_mib MiB (MemTotal $memtotal_mib MiB, $(kv /proc/meminfo SwapTotal:) kB swap) and a page-cache reader"
# The storm is on once swap-ins run (pages coming back: thrashing, not just filling).
up_s; deadline=$((UP + 120))
vmstat_of pswpin
while [ "$VAL" -le $((swapin0 + 2000)) ] && [ "$UP" -lt $deadline ]; do nap 1; up_s; vmstat_of pswpin; done
diag "swap-ins $((VAL - swapin0)) after $((UP + 120 - deadline)) s; $(grep -E '^(MemFree|MemAvailable|SwapFree|AnonPages):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
t_storm=$(uptime_s); up_s; storm_t0=$UP
gmax_us=0 samples=0 hogs=0 wins=0
storm_sample() {
        gap_us $metrics
        [ -n "$GAP" ] && { samples=$((samples + 1)); ((GAP > gmax_us)) && gmax_us=$GAP; }
        return 0
}
for i in 1 2 3; do
        oom0=$(kv $cg/memory.events oom_kill)
        start_hog $cg/cgroup.procs $TMP/hog.$i 1024 0
        pid=$HOG_PID hogs=$((hogs + 1))
        up_s; h0=$UP
        while kill -0 $pid 2>/dev/null && [ $UP -lt $((h0 + 60)) ]; do storm_sample; nap 0.5; up_s; done
        wait_gone $pid 5; rc=$RC
        if [ "$rc" = 137 ] && [ "$(kv $cg/memory.events oom_kill)" = "$oom0" ] && grep -q "kill pid $pid (hog)" $log; then
                wins=$((wins + 1))
        else
                diag "hog $i: exit $rc, cgroup oom_kill $oom0 -> $(kv $cg/memory.events oom_kill)"
        fi
        up_s; diag "hog $i gone after about $((UP - h0)) s (exit $rc)"
done
up_s
while [ $UP -lt $((storm_t0 + 40)) ]; do storm_sample; nap 0.5; up_s; done # at least 40 s of storm
gmax=$(printf '%d.%06d' $((gmax_us / 1000000)) $((gmax_us % 1000000)))
psi_max=$(sed -n 's/^some avg10=[0-9.]* avg60=\([0-9.]*\) .*/\1/p' /proc/pressure/memory)
storm_s=$(sub "$t_storm" "$(uptime_s)")
swapin=$(( $(kv /proc/vmstat pswpin) - swapin0 )) swapout=$(( $(kv /proc/vmstat pswpout) - swapout0 ))
og_alive=no; kill -0 "$OG_PID" && og_alive=yes
stop_guard
remove_cgroups $storm # (waits for every child: after the guard is stopped)
diag "storm: $storm_s s, $swapin pages swapped in and $swapout out, memory some avg60 $psi_max at the end, $samples gauge samples"
echo "# storm: longest tick gap $gmax s over $storm_s s of thrash (at rest $rest_gap s); hogs killed first $wins/$hogs"
check "$name: the machine thrashed (>= 20000 pages swapped in: $swapin)" [ "$swapin" -ge 20000 ]
check "$name: the gauge was read through the storm ($samples samples)" [ "$samples" -ge 20 ]
check "$name: the longest gap between two ticks ($gmax s) stays under $GAP_MAX_S s" le "$gmax" "$GAP_MAX_S"
check "$name: oomguard killed the cgroup's hogs before the kernel during the storm ($wins/$hogs, >= 2)" [ "$wins" -ge 2 ]
check "$name: oomguard survived the storm" [ $og_alive = yes ]
fi

# ---- the clock -----------------------------------------------------------
name="clock"
cat >$TMP/clock.conf <<CONF
[daemon]
interval = 100ms
post_kill_delay = 3s
max_kills_per_minute = 100
metrics_file = $metrics
metrics_interval = 1s
report_dir = $TMP/reports

[cgroup:clock]
path = /oomguard-vm/clock
usage_above = 40%
action = kill
CONF
rm -f $TMP/reports/*
# holders N: N more holders of 30 MiB each in the clock cgroup, with its
# limit raised meanwhile (512 MiB: under the rule), so that the crossing
# comes at once when it is put back: 3 holders are 70 % of 128 MiB, over
# the rule; after one kill 47 %, still over; after two 23 %, cleared.
holders() {
        local j
        echo 512M >$ccg/memory.max
        for j in $(seq "$1"); do
                start_hog $ccg/cgroup.procs $TMP/hold.$j 30 0 hold
                wait_for "grep -q ready $TMP/hold.$j" 20 || diag "holder $j not ready"
        done
}
procs_left() { wc -l <$ccg/cgroup.procs; }
# round JUMP: the limit back to 128 MiB (the crossing); the first kill; the
# wall clock jumped by JUMP seconds at once; the second kill must come
# post_kill_delay (3 s) later on the monotonic clock, and no third.
round() {
        local jump=$1 t0 t1 t2 w0 d
        t0=$(uptime_s)
        echo 128M >$ccg/memory.max
        wait_for "[ \$(procs_left) -le 2 ]" 20 || { not_ok "$name: no first kill in 20 s"; return; }
        t1=$(uptime_s)
        w0=$(date +%s)
        date -s "@$((w0 + jump))" >/dev/null || { not_ok "$name: date -s failed"; return; }
        wait_for "[ \$(procs_left) -le 1 ]" 15
        t2=$(uptime_s)
        d=$(sub "$t1" "$t2")
        diag "jump $jump s: first kill $(sub "$t0" "$t1") s after the crossing, the second $d s after it; wall clock now $(date -u +%T)"
        # 2.84-3.28 s seen; each end also holds a victim's teardown under TCG
        # and a poll. A burst gave 0.36 s, a stall no kill at all: 2-6 s.
        check "$name: after a jump of $jump s the next kill came post_kill_delay later (2 <= $d <= 6 s)" \
                awk -v d="$d" 'BEGIN { exit !(d >= 2 && d <= 6) }'
        sleep 4 # the window in which a third kill would be wrong (the rule has cleared)
        check "$name: after a jump of $jump s no burst: one holder left" [ "$(procs_left)" = 1 ]
}
clock_log=$TMP/clock.log
holders 3
start_guard $TMP/clock.conf $clock_log || { not_ok "$name: oomguard did not start: $(head -c 300 $clock_log)"; finish; }
wall0=$(date +%s)
round 3600
holders 2
round -3600
check "$name: four kills logged" [ "$(grep -c 'kill pid .* (hog)' $clock_log)" = 4 ]
gap=$(gap_now $metrics)
check "$name: the tick gap gauge is sane after the jumps ($gap s <= 1.3)" le "${gap:-9}" 1.3
reps=("$TMP"/reports/*.json); n_rep=${#reps[@]}; [ -e "${reps[0]}" ] || n_rep=0
check "$name: four reports, one per kill ($n_rep)" [ "$n_rep" = 4 ]
# Their times follow the wall clock: round 1's second kill and round 2's
# first came in the hour jumped ahead (within 40 s of round 1's start + 1 h).
times=$(for f in $TMP/reports/*.json; do jq -r .time "$f"; done | sort | tr '\n' ' ')
diag "report times: $times (round 1 began at $(date -u -d @$wall0 +%FT%T))"
near_s() { local t; t=$(date -u -d "$1" +%s 2>/dev/null) || return 1; near "$t" "$2" "$3"; }
in_hour=0
for f in $TMP/reports/*.json; do near_s "$(jq -r .time "$f")" $((wall0 + 3600)) 40 && in_hour=$((in_hour + 1)); done
check "$name: the reports' times follow the wall clock (2 of 4 in the hour jumped ahead: $in_hour)" [ "$in_hour" = 2 ]
# Not judged: ids sort by wall time, so after the jump back `--report last`
# names round 2's first report (an hour "later"), not its last.
diag "--report last: $($OOMGUARD --report last --report-dir $TMP/reports 2>&1 | head -n 1)"
stop_guard
finish
