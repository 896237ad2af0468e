#!/bin/bash
# Limit-hit alarms, live, in a v1 memory cgroup this test creates (root):
# a writer pushing page cache against a 64 MiB limit makes memory.failcnt
# climb (no OOM: cache is reclaimable); a rule that only alarms
# (warn_failcnt_rate) must say so once, stay quiet through a short lull
# and a second burst (one episode), say "back to normal" once after
# warn_clear_after of calm, and page again for a new storm after that.
# Each transition leaves a "warning" report; the kernel's oom_kill does
# not move. The loop's rate during the storm is measured (voluntary
# context switches: one per wait that slept) and bounded.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live alarms: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live alarms: no cgroup v1 memory controller"; exit 0; fi
JQ=$(command -v jq) || { not_ok "live alarms: jq missing (make deps installs it)"; exit 1; }
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-alarms-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)
export OOMGUARD_REPORT_DIR=$TMP/reports
# warn_clear_after, s. The lull below (2 s, plus stopping and restarting
# the writer and the 1 s windows the calm is counted in: ~3.5 s on a
# loaded machine) must stay well under it, the end come within the test.
CLEAR=6

# The loop and its dd (which would go on writing its 100 MiB): all of the cgroup.
stop_writer() {
        [ -z "${writer:-}" ] && return
        for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"; done
        wait "$writer" 2>/dev/null
        writer=
        wait_for "[ ! -s $CG/cgroup.procs ]" 5
}
stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
cleanup() {
        stop_writer
        stop_guard
        if [ -d "$CG" ]; then
                for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"; done
                wait 2>/dev/null
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        [ -n "${KEEP:-}" ] && { echo "# kept $TMP"; return; }
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo 64M > "$CG/memory.limit_in_bytes" || { not_ok "live alarms: create $CG"; exit 1; }
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }
# Page cache against the limit: ~100+ limit hits a second here, no OOM.
start_writer() {
        sh -c "echo \$\$ > $CG/cgroup.procs; while :; do dd if=/dev/zero of=$TMP/fill bs=1M count=100 2>/dev/null; done" &
        writer=$!
}
fired() { grep -c "rule alarm on $REL: failcnt: memory.failcnt rising" "$TMP/log"; }
cleared() { grep -c "rule alarm on $REL: failcnt back to normal: memory.failcnt calm for" "$TMP/log"; }
ctxt() { sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$og/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$og/stat"; } # utime + stime (the comm has no space)
kills_before=$(oom_kills)

# An alarm-only rule: no threshold, no action taken.
cat > "$TMP/conf" <<CONF
[daemon]
interval = 100ms
metrics_file = $TMP/metrics/oomguard.prom
metrics_interval = 200ms
[cgroup:alarm]
path = $REL
warn_failcnt_rate = 10/s
warn_clear_after = ${CLEAR}s
CONF
env -u OOMGUARD_METRICS_FILE $OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log" &
og=$!
wait_for "grep -q guarding $TMP/log" 5 || { not_ok "live alarms: the guard did not start"; diag "$(cat "$TMP/log")"; exit 1; }

# The loop at rest, then during the storm.
c0=$(ctxt); sleep 1; idle=$(( $(ctxt) - c0 ))
start_writer
t0=$(date +%s%N)
logged "$TMP/log" "failcnt: memory.failcnt rising" 10 # ~1 s here; 10: a deadline, not a bound
t1=$(date +%s%N)
check "live alarms: a failcnt storm fires the alarm" [ "$(fired)" -ge 1 ]
diag "alarm $(( (t1 - t0) / 1000000 )) ms after the storm began" "$(grep "failcnt: memory.failcnt rising" "$TMP/log" | head -1)"
f0=$(cat "$CG/memory.failcnt"); c0=$(ctxt); u0=$(cpu_ticks)
sleep 2
storm=$(( ($(ctxt) - c0) / 2 )); cpu=$(( ($(cpu_ticks) - u0) * 100 / $(getconf CLK_TCK) / 2 )); f1=$(cat "$CG/memory.failcnt")
diag "kernel failcnt $(( (f1 - f0) / 2 ))/s; the loop's wakeups: $idle/s at rest, $storm/s during the storm, using $cpu % of a CPU"
# A loop that spins sleeps rarely (few wakeups) and burns a CPU: both bounds.
check "live alarms: the storm does not make the loop spin (< 150 wakeups/s, < 20 % CPU)" [ "$storm" -lt 150 -a "$cpu" -lt 20 ]
# A lull shorter than warn_clear_after, and a second burst: one episode.
stop_writer
sleep 2
start_writer
sleep 2
stop_writer
check "live alarms: a storm, a short lull and a burst are one alarm" [ "$(fired)" = 1 ]
check "live alarms: no back to normal during the episode" [ "$(cleared)" = 0 ]
logged "$TMP/log" "failcnt back to normal" $((CLEAR + 4))
sleep 1.5 # would a second "back to normal" follow?
check "live alarms: one back to normal after warn_clear_after of calm" [ "$(cleared)" = 1 ]
check "live alarms: and still one alarm" [ "$(fired)" = 1 ]
diag "$(grep "failcnt back to normal" "$TMP/log" | head -1)"
reports=$(grep -l '"kind": *"warning"' "$TMP"/reports/*.json 2>/dev/null | wc -l)
check "live alarms: a warning report for the alarm and for its end" [ "$reports" = 2 ]
# (the guard also reports the kernel's OOM kills anywhere on the machine)
r=$(grep -l '"kind": *"warning"' "$TMP"/reports/*.json 2>/dev/null | sort | head -1)
[ -n "$r" ] && diag "report: $("$JQ" -c '{kind, rule, action, reason, outcome, cgroup: .cgroup.path}' "$r")"
check "live alarms: the report names the rule and the cgroup" \
        [ "$("$JQ" -r '.rule + " " + .cgroup.path' "$r" 2>/dev/null)" = "alarm $REL" ]

# After the end, a new storm is a new episode.
start_writer
check "live alarms: a storm after the end pages again" wait_for '[ "$(fired)" = 2 ]' 10
warned() { sed -n 's/^oomguard_warnings_total{rule="alarm",kind="failcnt"} //p' "$TMP/metrics/oomguard.prom"; }
check "live alarms: the metrics count both alarms, not their end (oomguard_warnings_total $(warned))" \
        wait_for "[ \"\$(sed -n 's/^oomguard_warnings_total{rule=\"alarm\",kind=\"failcnt\"} //p' $TMP/metrics/oomguard.prom)\" = 2 ]" 3
stop_writer
stop_guard
check "live alarms: the kernel's oom_kill did not move" [ "$(oom_kills)" = "$kills_before" ]
check "live alarms: the guard acted on nothing" sh -c "! grep -qE 'kill pid|would kill' '$TMP/log'"
[ $failures -gt 0 ] && diag "$(tail -20 "$TMP/log")"
exit $((failures > 0))
