#!/bin/bash
# vm: layout=v2 mem=384M swap=none timeout=300
# A whole-machine OOM the kernel handles itself (oomguard's [global] rule
# only warns): oomguard must report the kernel's kill from /dev/kmsg as a
# kernel-oom-kill report naming the hog (pid, comm, CONSTRAINT_NONE), and
# log it as a miss.
. "$(dirname "$0")/lib.sh"
name="whole-machine kernel OOM kill, reported"
log=$TMP/guard.log
cat > "$TMP/conf" <<CONF
[daemon]
interval = 100ms
report_dir = $TMP/reports

[global]
mem_available_below = 5%
action = warn
CONF
before=$(kv /proc/vmstat oom_kill)
start_guard "$TMP/conf" "$log" || { not_ok "$name: oomguard did not start: $(head -c 300 "$log")"; finish; }
start_hog "" "$TMP/hog" 4096 0
pid=$HOG_PID
wait_gone "$pid" 120
check "$name: the kernel killed the hog (vmstat oom_kill $before -> $(kv /proc/vmstat oom_kill))" [ "$(kv /proc/vmstat oom_kill)" -gt "$before" ]
check "$name: logged as a miss" wait_for "grep -q 'kernel OOM kill: pid $pid (hog)' $log" 10
wait_for "grep -l kernel-oom-kill $TMP/reports/*.json >/dev/null 2>&1" 10
r=$(for f in "$TMP"/reports/*.json; do jq_e ".kind == \"kernel-oom-kill\" and .victim.pid == $pid" "$f" && echo "$f"; done 2>/dev/null | head -n 1)
check "$name: a kernel-oom-kill report" [ -n "$r" ]
[ -n "$r" ] || diag "reports: $(ls "$TMP/reports" 2>&1 | head -3)" "$(grep -iE 'report|kmsg|kernel OOM' "$log" | head -5 | cut -c1-300)"
if [ -n "$r" ]; then
        diag "$(jq -c '{kind, victim: {pid: .victim.pid, comm: .victim.comm}, kernel: .kernel.constraint, machine: .machine.mem_available_bytes}' "$r")"
        check "$name: the report names the hog" jq_e ".victim.pid == $pid and .victim.comm == \"hog\"" "$r"
        check "$name: CONSTRAINT_NONE (the machine, not a cgroup)" jq_e '.kernel.constraint == "CONSTRAINT_NONE"' "$r"
fi
stop_guard
finish
