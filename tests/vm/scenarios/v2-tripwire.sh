#!/bin/bash
# vm: layout=v2 mem=512M swap=none timeout=300
# The v2 memory.high tripwire ([cgroup:] tripwire = 95%): oomguard sets memory.high
# under memory.max (128 MiB) at start; a full-speed hog is throttled there and the
# rising memory.events "high" count wakes oomguard, whose event must say so. With
# interval = 10s the poll cannot be in time: only kernel events can. 10 trials,
# >= 9/10 before the kernel (memory.events oom_kill unchanged). Then memory.high must
# come back to "max" after SIGTERM and, through the guardian, within 1 s of SIGKILL.
. "$(dirname "$0")/lib.sh"
name="v2 tripwire"
root=/sys/fs/cgroup
rel=/oomguard-vm/hog
cg=$root$rel
state=$TMP/run/restore
trials=${TRIALS:-10}
mkdir -p $root/oomguard-vm && echo +memory >$root/oomguard-vm/cgroup.subtree_control
mkdir -p $cg && echo 128M >$cg/memory.max || { not_ok "$name: create $cg"; finish; }
oom_kills() { kv $cg/memory.events oom_kill; }
high_events() { kv $cg/memory.events high; }
want=$(( 128 * 1024 * 1024 * 95 / 100 / 4096 * 4096 ))
log=$TMP/guard.log conf=$TMP/conf
cat >"$conf" <<CONF
[daemon]
interval = 10s
post_kill_delay = 100ms
max_kills_per_minute = 100

[cgroup:vmtest]
path = $rel
usage_above = 90%
tripwire = 95%
action = kill
CONF
vmstat0=$(kv /proc/vmstat oom_kill)
check "$name: memory.high is max before oomguard" [ "$(cat $cg/memory.high)" = max ]
start_guard "$conf" "$log" --restore-file "$state" || { not_ok "$name: oomguard did not start: $(head -c 300 "$log")"; finish; }
check "$name: memory.high set to 95% of memory.max ($want) at start" wait_for "[ \"\$(cat $cg/memory.high)\" = $want ]" 10
check "$name: the state file lists it" grep -qx "memory.high max $want $cg/memory.high" "$state"
diag "$(grep -m1 'tripwire at' "$log")"

wins=0; ms=$TMP/ms; : >"$ms"
for i in $(seq "$trials"); do
        before=$(oom_kills) h0=$(high_events)
        t0=$(now_s)
        start_hog $cg/cgroup.procs "$TMP/hog.$i" 1024 0
        pid=$HOG_PID
        wait_gone "$pid" 60; rc=$RC
        t1=$(now_s)
        elapsed_ms "$t0" "$t1" >>"$ms"
        if [ "$(oom_kills)" = "$before" ] && [ $rc = 137 ] && grep -q "kill pid $pid (hog)" "$log"; then
                wins=$((wins + 1))
        else
                diag "trial $i: hog exit $rc after $(elapsed_ms "$t0" "$t1") ms, oom_kill $before -> $(oom_kills)," \
                        "  high $h0 -> $(high_events), oomguard: $(grep "kill pid $pid " "$log" | cut -c1-300)"
        fi
done
ev=$(grep -m1 "kill pid .* (hog): rule vmtest" "$log")
diag "hog start to death: p50 $(pctl 50 "$ms") ms, max $(pctl 100 "$ms") ms; memory.events high $(high_events)" \
        "woken by: $(wakeups "$log")" "first event: $(cut -c1-500 <<<"$ev")"
tripped=$(grep -c "kill pid .*OOMGUARD_WAKEUP=memory.high tripwire" "$log")
echo "# $name: $wins/$trials before kernel, $tripped woken by the tripwire (interval = 10s)"
check "$name: $wins/$trials before kernel (>= $((trials - trials / 10)) required)" [ $wins -ge $((trials - trials / 10)) ]
check "$name: memory.events oom_kill stayed 0" [ "$(oom_kills)" = 0 ]
check "$name: events say the tripwire woke oomguard ($tripped/$trials)" [ "$tripped" -ge $((trials - trials / 10)) ]

stop_guard
check "$name: memory.high back to max after SIGTERM" [ "$(cat $cg/memory.high)" = max ]
check "$name: no state file after a clean stop" [ ! -e "$state" ]

start_guard "$conf" "$log.2" --restore-file "$state" || not_ok "$name: oomguard did not start again"
wait_for "[ \"\$(cat $cg/memory.high)\" = $want ]" 10
kill -9 "$OG_PID"; wait "$OG_PID" 2>/dev/null; OG_PID=
t0=$(now_s)
if wait_for "[ \"\$(cat $cg/memory.high)\" = max ]" 1; then
        diag "SIGKILL: memory.high back to max after $(elapsed_ms "$t0" "$(now_s)") ms"
        ok "$name: memory.high back to max within 1 s of SIGKILL (guardian)"
else
        not_ok "$name: memory.high back to max within 1 s of SIGKILL (guardian): $(cat $cg/memory.high)"
fi
check "$name: the guardian logged it" logged "$log.2" "oomguard guardian: restored memory.high = max"
check "$name: /proc/vmstat oom_kill did not move" [ "$(kv /proc/vmstat oom_kill)" = "$vmstat0" ]
remove_cgroups "$cg" "$root/oomguard-vm"
finish
