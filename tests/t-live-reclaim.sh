#!/bin/bash
# reclaim_first, live on v1, judged by the kernel: (a) a cgroup full of
# active page cache over its rule's threshold is brought back under it by
# a limit step, without a kill, its limit back afterwards; (b) cache and
# anonymous memory: reclaimed, still over, escalated to the kill; a
# full-speed hog (anonymous) killed before the kernel (oom_kill unchanged);
# (c) oomguard SIGKILLed while the limit is stepped down: the guardian,
# or `oomguard --restore`, puts the limit back. The step's window is
# widened from outside, by strace delaying the return of the write to
# memory.limit_in_bytes (the binary is the one shipped). oomguard acts only
# inside the cgroups created here.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live reclaim: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live reclaim: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
HOG=$(realpath "$B/helpers/hog")
WATCH=$(realpath "$B/helpers/oomwatch")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-reclaim-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d /var/tmp/oomguard-reclaim.XXXXXX) # on a disk: tmpfs pages are shmem, not cache
STATE=$TMP/run/restore
LIMIT=268435456
HOGS=${OOMGUARD_RECLAIM_HOGS:-5}

# Under strace ($og is strace) the daemon itself is stopped: strace ends with it.
stop_guard() {
        [ -n "${og:-}" ] || return 0
        local d
        d=$(pgrep -x oomguard -P "$og")
        kill "${d:-$og}" 2>/dev/null
        wait "$og" 2>/dev/null
        og=
}
empty_cgroup() {
        for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"; done
        wait 2>/dev/null
}
cleanup() {
        [ -n "${og:-}" ] && kill -9 "$og" 2>/dev/null
        wait 2>/dev/null
        if [ -d "$CG" ]; then
                empty_cgroup
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo $LIMIT > "$CG/memory.limit_in_bytes" || { not_ok "live reclaim: create $CG"; exit 1; }
stat_of() { sed -n "s/^total_$1 //p" "$CG/memory.stat"; }
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }
limit_is() { [ "$(cat "$CG/memory.limit_in_bytes")" = "$1" ]; }
mib() { echo $(( $1 / 1048576 )); }

# fill MIB: a file written (and synced: dirty pages are not reclaimable)
# and read twice from inside the cgroup, so that its pages are active.
fill() {
        sh -c "echo \$\$ > $CG/cgroup.procs; exec dd if=/dev/zero of=$TMP/cache bs=1M count=$1 conv=fsync status=none"
        sh -c "echo \$\$ > $CG/cgroup.procs; cat $TMP/cache > /dev/null; exec cat $TMP/cache" > /dev/null
}
# in_cgroup CMD...: started in the background inside the cgroup ($! is it).
in_cgroup() { sh -c "echo \$\$ > $CG/cgroup.procs; exec $*" & }

# start_guard RULE_LINES [WRAPPER...]: oomguard watching only our cgroup.
start_guard() {
        local rule=$1; shift
        printf '[daemon]\ninterval = 100ms\npost_kill_delay = 100ms\nmax_kills_per_minute = 100\n[cgroup:test]\npath = %s\naction = kill\nreclaim_first = yes\n%s\n' \
                "$REL" "$rule" > "$TMP/conf"
        : > "$TMP/log"
        "$@" $OOMGUARD -c "$TMP/conf" --log stderr --restore-file "$STATE" 2> "$TMP/log" &
        og=$!
        wait_for "grep -q guarding $TMP/log" 10
}
guardian() { pgrep -x oomguard-guard -P "$1" 2>/dev/null; }
field() { grep -o "$1=[^ ]*" "$TMP/log" | tail -n 1 | cut -d= -f2; }

# (a) Page cache alone: 200 MiB of active cache, the rule at 70 % (179 MiB).
in_cgroup sleep 600
sleeper=$!
start_guard "usage_above = 70%"
oom0=$(oom_kills)
fill 200
diag "filled: usage $(mib "$(cat "$CG/memory.usage_in_bytes")") MiB, active_file $(mib "$(stat_of active_file)") MiB, inactive_file $(mib "$(stat_of inactive_file)") MiB"
check "live reclaim: (a) page cache: reclaimed, not killed" logged "$TMP/log" "under its thresholds, not killed" 5
grep -m1 "limit stepped down" "$TMP/log" | sed 's/^/# /'
grep -m1 "under its thresholds, not killed" "$TMP/log" | cut -c1-300 | sed 's/^/# /'
check "live reclaim: (a) the event says it did not escalate" [ "$(field OOMGUARD_ESCALATED)" = no ]
freed=$(field OOMGUARD_RECLAIMED_BYTES)
diag "(a) reclaimed $(mib "${freed:-0}") MiB in $(field OOMGUARD_RECLAIM_MS) ms"
check "live reclaim: (a) reclaimed at least 20 MiB" [ "${freed:-0}" -ge $((20 << 20)) ]
check "live reclaim: (a) the process lives" kill -0 $sleeper
check "live reclaim: (a) its limit is back to 256 MiB" limit_is $LIMIT
ws=$(( $(cat "$CG/memory.usage_in_bytes") - $(stat_of inactive_file) ))
check "live reclaim: (a) working set $(mib $ws) MiB, under the rule's 179 MiB" [ $ws -lt $((LIMIT * 70 / 100)) ]
check "live reclaim: (a) no kill: not by oomguard" eval "! grep -q 'kill pid' $TMP/log"
check "live reclaim: (a) not by the kernel" [ "$(oom_kills)" = "$oom0" ]
check "live reclaim: (a) nothing left in the restore file" [ ! -s "$STATE" ]
# the_report ESCALATED: this cgroup's newest report with a reclaim says so.
the_report() {
        local f
        f=$(grep -l "\"reclaim\":{" "$OOMGUARD_REPORT_DIR"/*.json 2>/dev/null | xargs -r grep -l "oomguard-reclaim-$$\"" |
                xargs -r ls -t | head -n 1)
        [ -n "$f" ] && jq -e ".reclaim.escalated == $1 and .reclaim.reclaimed_bytes > 0 and .reclaim.v1_limit_bytes > 0" "$f" > /dev/null
}
check "live reclaim: (a) the report: reclaimed, not escalated" wait_for "the_report false" 3
stop_guard
kill $sleeper; wait $sleeper 2>/dev/null

# (b) Cache and anonymous memory: 100 MiB of anon beside 140 MiB of cache,
#     the rule at 30 %: mostly cache, reclaimed down to the anon (the
#     floor), still over: the hog is killed.
empty_cgroup
fill 140
in_cgroup "$HOG" 100 0 hold > "$TMP/hog.out" 2>&1
hog=$!
wait_for "grep -q ready $TMP/hog.out" 10
diag "mixed: usage $(mib "$(cat "$CG/memory.usage_in_bytes")") MiB, rss $(mib "$(stat_of rss)") MiB, cache $(mib "$(stat_of cache)") MiB"
oom0=$(oom_kills)
start_guard "usage_above = 30%"
check "live reclaim: (b) reclaimed first, still over: escalated to the kill" logged "$TMP/log" "still over its thresholds: killed" 5
grep -m1 "still over its thresholds" "$TMP/log" | cut -c1-300 | sed 's/^/# /'
check "live reclaim: (b) the event says it escalated" [ "$(field OOMGUARD_ESCALATED)" = yes ]
diag "(b) reclaimed $(mib "$(field OOMGUARD_RECLAIMED_BYTES)") MiB in $(field OOMGUARD_RECLAIM_MS) ms before the kill"
check "live reclaim: (b) the report: reclaimed, escalated" wait_for "the_report true" 3
check "live reclaim: (b) the hog is gone" wait_for "! kill -0 $hog 2>/dev/null" 3
check "live reclaim: (b) its limit is back to 256 MiB" limit_is $LIMIT
check "live reclaim: (b) kernel oom_kill unchanged" [ "$(oom_kills)" = "$oom0" ]
stop_guard
kill -9 $hog 2>/dev/null; wait $hog 2>/dev/null

# (b) A full-speed hog (anonymous only): not cache, so no reclaim delays
#     the kill; oomguard must win every race.
empty_cgroup
rm -f "$TMP/cache"
start_guard "usage_above = 90%"
oom0=$(oom_kills)
wins=0
for i in $(seq "$HOGS"); do
        out=$("$WATCH" "$CG" "$HOG" 1024 2>/dev/null | tail -n 1)
        pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$out")
        if logged "$TMP/log" "kill pid $pid (hog)" 2 && [ "$(oom_kills)" = "$oom0" ]; then
                wins=$((wins + 1))
        else
                diag "run $i: $out, kernel oom_kill $(oom_kills)" \
                        "  oomguard: $(grep "pid $pid " "$TMP/log" | cut -c1-240)"
        fi
done
check "live reclaim: (b) full-speed hog killed by oomguard in $wins/$HOGS" [ "$wins" = "$HOGS" ]
check "live reclaim: (b) kernel oom_kill unchanged" [ "$(oom_kills)" = "$oom0" ]
check "live reclaim: (b) the hogs were not reclaimed first (anonymous)" eval "! grep -q 'OOMGUARD_RECLAIM' $TMP/log"
stop_guard

# (c) SIGKILL in the middle of a step: strace holds the step's write
#     (after the kernel took the limit) for 3 s before it returns.
if ! command -v strace > /dev/null; then
        skip "live reclaim: (c) mid-step kill: no strace"
        exit $((failures > 0))
fi
step_in_progress() {
        grep -q "limit stepped down" "$TMP/log" && ! limit_is $LIMIT &&
                grep -q "^memory.limit_in_bytes $LIMIT [0-9]* $CG/memory.limit_in_bytes$" "$STATE" 2>/dev/null
}
held_guard() {
        in_cgroup sleep 600
        sleeper=$!
        start_guard "usage_above = 70%" strace -o /dev/null -P "$CG/memory.limit_in_bytes" \
                -e trace=write -e inject=write:delay_exit=3000000:when=1
        fill 200
        wait_for step_in_progress 5
}
for how in guardian restore; do
        if ! held_guard; then
                not_ok "live reclaim: (c/$how) the step was not seen in progress"
                diag "$(tail -n 5 "$TMP/log")"
                stop_guard
                continue
        fi
        ours=$(cat "$CG/memory.limit_in_bytes")
        ok "live reclaim: (c/$how) stepped to $(mib "$ours") MiB, listed in the restore file"
        daemon=$(pgrep -x oomguard -P "$og")
        gpid=$(guardian "$daemon")
        [ $how = restore ] && kill -9 "$gpid" # the guardian gone too: --restore
        kill -9 "$daemon"
        wait "$og" 2>/dev/null; og=
        if [ $how = guardian ]; then
                check "live reclaim: (c) after kill -9 mid-step, the guardian put the limit back" wait_for "limit_is $LIMIT" 2
                check "live reclaim: (c) the guardian says so" logged "$TMP/log" "restored memory.limit_in_bytes = $LIMIT" 2
        else
                check "live reclaim: (c) the limit stays stepped without the guardian" eval "! limit_is $LIMIT"
                $OOMGUARD --restore --restore-file "$STATE" 2> "$TMP/restore.log"
                check "live reclaim: (c) oomguard --restore put the limit back" limit_is $LIMIT
                check "live reclaim: (c) --restore says so" grep -q "restored memory.limit_in_bytes = $LIMIT" "$TMP/restore.log"
        fi
        check "live reclaim: (c/$how) no restore file left" wait_for "[ ! -e $STATE ]" 2
        check "live reclaim: (c/$how) the process lives" kill -0 $sleeper
        kill $sleeper; wait $sleeper 2>/dev/null
        empty_cgroup
done
exit $((failures > 0))
