#!/bin/bash
# vm: layout=v2 mem=512M swap=zram:256M timeout=400
# Limit-hit alarms on pure cgroup v2 (memory.events.local), each in a
# cgroup made here, with no action taken: a hog over its 64 MiB memory.max
# (swapping to zram, no OOM) pages once for "max" and once "back to
# normal"; one throttled at a memory.high of 32 MiB pages once for "high",
# and its storm of memory.events changes does not make the loop spin
# (the chatty-wakeup rest: ticks a second from the guard's context
# switches); one OOM at a limit without swap pages once for "oom"; and a
# child's storm pages on the child alone (.local), not on its parent.
. "$(dirname "$0")/lib.sh"
name="v2 alarms"
root=/sys/fs/cgroup
base=$root/oomguard-alarms
mkdir -p $base && echo +memory > $base/cgroup.subtree_control
for c in max high oom parent; do mkdir -p $base/$c || { not_ok "$name: create $c"; finish; }; done
echo +memory > $base/parent/cgroup.subtree_control && mkdir -p $base/parent/child
echo 64M > $base/max/memory.max
echo 256M > $base/high/memory.max && echo 32M > $base/high/memory.high
echo 64M > $base/oom/memory.max && echo 0 > $base/oom/memory.swap.max
echo 64M > $base/parent/child/memory.max
log=$TMP/guard.log
cat > "$TMP/conf" <<CONF
[daemon]
interval = 100ms
[cgroup:max]
path = /oomguard-alarms/max
warn_failcnt_rate = 10/s
warn_clear_after = 5s
[cgroup:high]
path = /oomguard-alarms/high
warn_high_rate = 10/s
warn_clear_after = 5s
[cgroup:oom]
path = /oomguard-alarms/oom
warn_oom_rate = any
warn_clear_after = 5s
[cgroup:tree]
path = /oomguard-alarms/parent/**
warn_failcnt_rate = 10/s
warn_clear_after = 5s
CONF
start_guard "$TMP/conf" "$log" || { not_ok "$name: oomguard did not start: $(head -c 300 "$log")"; finish; }
alarms() { grep -c "rule $1 on /oomguard-alarms/$2: $3: .*rising\|rule $1 on /oomguard-alarms/$2: $3: " "$log"; }
fired() { grep -c "rule $1 on /oomguard-alarms/$2: $3: " "$log"; }
cleared() { grep -c "rule $1 on /oomguard-alarms/$2: $3 back to normal" "$log"; }
ctxt() { awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v + n }' /proc/$OG_PID/status; }

# 1. max: a hog of 96 MiB in 64 MiB, swapping: the limit is hit, no OOM.
start_hog $base/max/cgroup.procs "$TMP/max" 96 0 hold
check "$name: max: an alarm" wait_for "[ \$(fired max max failcnt) -ge 1 ]" 30
kill -9 "$HOG_PID" 2>/dev/null
check "$name: max: one back to normal" wait_for "[ \$(cleared max max failcnt) = 1 ]" 30
check "$name: max: exactly one alarm in the episode" [ "$(fired max max failcnt)" = 1 ]
check "$name: max: no OOM" [ "$(kv $base/max/memory.events oom_kill)" = 0 ]

# 2. high: throttled at 32 MiB, a storm of memory.events changes.
c0=$(ctxt) t0=$(now_s)
start_hog $base/high/cgroup.procs "$TMP/high" 96 0 hold
check "$name: high: an alarm" wait_for "[ \$(fired high high high) -ge 1 ]" 30
sleep 3
per_s=$(awk -v c="$(( $(ctxt) - c0 ))" -v a="$t0" -v b="$(now_s)" 'BEGIN { printf "%d", c / (b - a) }')
diag "high: $(kv $base/high/memory.events high) high events; the guard switched $per_s times a second"
check "$name: high: the storm does not make the loop spin ($per_s switches/s < 150)" [ "$per_s" -lt 150 ]
kill -9 "$HOG_PID" 2>/dev/null
check "$name: high: one back to normal" wait_for "[ \$(cleared high high high) = 1 ]" 30
check "$name: high: one alarm" [ "$(fired high high high)" = 1 ]

# 3. oom: no swap allowed, the kernel kills the hog at its limit.
start_hog $base/oom/cgroup.procs "$TMP/oom" 1024 0
wait_gone "$HOG_PID" 60
check "$name: oom: the kernel's OOM in the cgroup (oom_kill $(kv $base/oom/memory.events oom_kill))" \
        [ "$(kv $base/oom/memory.events oom_kill)" -ge 1 ]
check "$name: oom: one alarm" wait_for "[ \$(fired oom oom oom) = 1 ]" 10

# 4. a child's storm pages on the child, not on its parent.
start_hog $base/parent/child/cgroup.procs "$TMP/child" 96 0 hold
check "$name: child: an alarm on the child" wait_for "[ \$(fired tree parent/child failcnt) -ge 1 ]" 30
check "$name: child: none on the parent" [ "$(fired tree parent failcnt)" = 0 ]
kill -9 "$HOG_PID" 2>/dev/null
check "$name: the guard acted on nothing" sh -c "! grep -qE 'kill pid|would kill' '$log'"
stop_guard
remove_cgroups $base/parent/child $base/parent $base/max $base/high $base/oom $base
finish
