#!/bin/bash
# vm: layout=v2 mem=512M swap=none timeout=600
# The shipped etc/oomguard.conf, unmodified, on pure cgroup v2: its
# [cgroup:limits] rule (every cgroup with a limit of its own; tripwire at
# 98 % of memory.max, then usage >= 95 % and full pressure, all of them)
# must kill a full-speed hog in a 128 MiB cgroup it was never told about
# before the kernel, >= 9 of 10 trials (the cgroup's memory.events
# oom_kill unchanged), and leave a process holding 124 MiB (97 %) in another
# 128 MiB cgroup alone.
. "$(dirname "$0")/lib.sh"
name="v2 shipped [cgroup:limits]"
root=/sys/fs/cgroup
mkdir -p $root/oomguard-vm && echo +memory > $root/oomguard-vm/cgroup.subtree_control
for c in hog still; do
        mkdir -p $root/oomguard-vm/$c && echo 128M > $root/oomguard-vm/$c/memory.max ||
                { not_ok "$name: create $c"; finish; }
done
oom_kills() { kv $root/oomguard-vm/hog/memory.events oom_kill; }
log=$TMP/guard.log
cp etc/oomguard.conf "$TMP/conf"
start_guard "$TMP/conf" "$log" || { not_ok "$name: oomguard did not start: $(head -c 300 "$log")"; finish; }
diag "$(grep -m1 guarding "$log")"
wait_for "grep -q 'oomguard-vm/hog: memory.high tripwire at' $log" 10 || diag "no tripwire on hog: $(grep -i tripwire "$log" | head -2)"
start_hog $root/oomguard-vm/still/cgroup.procs "$TMP/still" 124 0 hold
still=$HOG_PID
wins=0 trials=${TRIALS:-10}
for i in $(seq "$trials"); do
        before=$(oom_kills)
        start_hog $root/oomguard-vm/hog/cgroup.procs "$TMP/hog.$i" 1024 0
        pid=$HOG_PID
        wait_gone "$pid" 60; rc=$RC
        after=$(oom_kills)
        if [ "$after" = "$before" ] && [ "$rc" = 137 ] && grep -q "kill pid $pid (hog): rule limits" "$log"; then
                wins=$((wins + 1))
        else
                diag "trial $i: hog exit $rc, kernel oom_kill $before -> $after, oomguard: $(grep "pid $pid " "$log" | head -1 | cut -c1-300)"
        fi
done
diag "woken by: $(grep -o 'OOMGUARD_WAKEUP=[^=]* OOMGUARD_' "$log" | sort | uniq -c | head -3 | tr '\n' ' ')"
echo "# $name: $wins/$trials before kernel"
check "$name: $wins/$trials hogs killed before the kernel (>= $((trials - trials / 10)))" [ $wins -ge $((trials - trials / 10)) ]
check "$name: the holder got its 124 MiB" grep -q ready "$TMP/still"
check "$name: the 124 MiB holder (97 % of its limit, steady) is untouched" kill -0 "$still"
stop_guard
kill -9 "$still" 2>/dev/null
finish
