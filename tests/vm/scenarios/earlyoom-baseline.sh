#!/bin/bash
# vm: layout=v2 mem=512M swap=none timeout=240
# Baseline, not a test of ours: Debian's earlyoom (the host's /usr/bin/earlyoom, with
# Debian's default arguments "-r 3600") against the kernel's OOM killer when one hog
# fills the whole VM's RAM at full speed, no swap. TRIALS runs; a run counts as
# "before kernel" when earlyoom logged a kill of the hog and /proc/vmstat oom_kill did
# not move. The ok line carries the score; it is ok whenever the measurement completed.
. "$(dirname "$0")/lib.sh"
TRIALS=${TRIALS:-3}
name="earlyoom whole-machine no-swap"
EARLYOOM=/usr/bin/earlyoom
[ -x $EARLYOOM ] || { skip "$name: $EARLYOOM missing on the host (apt-get install earlyoom)"; exit 0; }

mem_avail_mib() { echo $(( $(kv /proc/meminfo MemAvailable:) / 1024 )); }
diag "$($EARLYOOM -v 2>&1 | head -n 1), MemTotal $(( $(kv /proc/meminfo MemTotal:) / 1024 )) MiB, MemAvailable $(mem_avail_mib) MiB"

wins=0 done_trials=0
for trial in $(seq "$TRIALS"); do
        log=$TMP/earlyoom.$trial
        $EARLYOOM -r 3600 >"$log" 2>&1 &
        eo=$!
        # earlyoom prints its thresholds once it has read /proc/meminfo: it is watching
        wait_for "grep -q 'sending SIGTERM when' $log" 20 || { not_ok "$name: earlyoom did not start: $(cat "$log")"; break; }
        oom0=$(kv /proc/vmstat oom_kill)
        t0=$(date +%s.%N)
        start_hog "" "$TMP/hog.$trial" 4096 0    # more than the VM has, as fast as it goes
        hog=$HOG_PID
        wait_for "! kill -0 $hog 2>/dev/null" 90; wait "$hog"; rc=$?
        t1=$(date +%s.%N)
        oom1=$(kv /proc/vmstat oom_kill)
        kill "$eo" 2>/dev/null; wait "$eo" 2>/dev/null
        if kill -0 "$hog" 2>/dev/null; then not_ok "$name: trial $trial: hog still alive after 90 s"; kill -9 "$hog"; break; fi
        eo_killed=no
        grep -Eq "sending SIG(TERM|KILL) to process $hog " "$log" && eo_killed=yes
        kernel=$((oom1 - oom0))
        verdict="kernel first"
        [ $eo_killed = yes ] && [ $kernel = 0 ] && { verdict="earlyoom first"; wins=$((wins + 1)); }
        diag "trial $trial: hog exit $rc after $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, earlyoom killed it: $eo_killed, kernel oom_kill +$kernel -> $verdict" \
                "  earlyoom: $(grep -m 2 -E 'low memory!|sending SIG[A-Z]+ to' "$log" | tr '\n' ' ' | cut -c1-200)"
        [ $kernel = 0 ] || diag "  dmesg: $(dmesg | grep -E 'Out of memory: Killed process' | tail -n 1)"
        done_trials=$trial
        # let the VM settle: memory back before the next fill
        wait_for "[ \$(mem_avail_mib) -gt 300 ]" 20 || diag "MemAvailable only $(mem_avail_mib) MiB"
done
if [ "$done_trials" = "$TRIALS" ]; then
        ok "$name: $wins/$TRIALS before kernel"
else
        not_ok "$name: measurement incomplete ($done_trials of $TRIALS trials)"
fi
finish
