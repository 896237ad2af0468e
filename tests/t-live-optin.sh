#!/bin/bash
# The v1 opt-in mode oom_handler, live, judged by the kernel: oomguard sets
# oom_kill_disable on a memory cgroup this test creates and acts on its OOM
# event; the kernel's oom_kill counter must stay 0 and the value must come
# back at a clean stop, after SIGKILL (the guardian), on reload and by
# `oomguard --restore`. oomguard may act only inside the cgroups created here.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live optin: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live optin: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
HOG=$(realpath "$B/helpers/hog")
WATCH=$(realpath "$B/helpers/oomwatch")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-optin-$$
CG=$MEMROOT$REL
REL2=${SELF%/}/oomguard-optin2-$$
CG2=$MEMROOT$REL2
TMP=$(mktemp -d)
RUNS=${OOMGUARD_OPTIN_RUNS:-10}
STATE=$TMP/run/restore

stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
empty_cgroup() {
        for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$1/cgroup.procs"; done
}
cleanup() {
        stop_guard
        for d in "$CG" "$CG2"; do
                [ -d "$d" ] || continue
                echo 0 > "$d/memory.oom_control" 2>/dev/null
                empty_cgroup "$d"
                wait 2>/dev/null
                wait_for "rmdir $d 2>/dev/null" 5 || echo "# could not remove $d"
        done
        rm -rf "$TMP"
}
trap cleanup EXIT
for d in "$CG" "$CG2"; do
        mkdir "$d" && echo 256M > "$d/memory.limit_in_bytes" || { not_ok "live optin: create $d"; exit 1; }
done
kv() { sed -n "s/^$2 //p" "$1/memory.oom_control"; }
disabled() { [ "$(kv "$CG" oom_kill_disable)" = "$1" ]; }

# start_guard RULE_LINES [REL]: oomguard watching only our cgroup, its state file in $TMP.
start_guard() {
        printf '[daemon]\ninterval = 100ms\npost_kill_delay = 100ms\nmax_kills_per_minute = 100\n[cgroup:test]\npath = %s\naction = kill\n%s\n' \
                "${2:-$REL}" "$1" > "$TMP/conf"
        : > "$TMP/log"
        $OOMGUARD -c "$TMP/conf" --log stderr --restore-file "$STATE" 2> "$TMP/log" &
        og=$!
        wait_for "grep -q guarding $TMP/log" 5
}
guardian() { pgrep -x -P "$og" oomguard-guard 2>/dev/null; }

# 1. oom_handler alone (no threshold): the rule acts only on the cgroup's OOM.
start_guard "oom_handler = yes"
check "live optin: oom_kill_disable set at start" wait_for "disabled 1" 3
check "live optin: the state file lists it before anything else" \
        grep -qx "oom_kill_disable 0 1 $CG/memory.oom_control" "$STATE"
check "live optin: a guardian process runs" eval "guardian >/dev/null"
wins=0; : > "$TMP/ms"
for i in $(seq "$RUNS"); do
        out=$("$WATCH" "$CG" "$HOG" 1024 2>/dev/null | tail -n 1)
        pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$out")
        ms=$(sed -n 's/.*oom_to_gone_ms=\([-0-9.]*\) .*/\1/p' <<<"$out")
        logged "$TMP/log" "kill pid $pid (hog)" 2
        # (A poll tick that reads under_oom = 1 first acts as well: both count.)
        if [[ $out == *status=SIGKILL ]] && [ "$ms" != -1.00 ] && [ "$(kv "$CG" oom_kill)" = 0 ] &&
           grep -q "kill pid $pid (hog).*under OOM" "$TMP/log"; then
                wins=$((wins + 1)); echo "$ms" >> "$TMP/ms"
        else
                diag "run $i: $out, kernel oom_kill $(kv "$CG" oom_kill)" \
                        "  oomguard: $(grep "pid $pid " "$TMP/log" | cut -c1-160; grep -o "OOMGUARD_WAKEUP=[^=]*" "$TMP/log" | tail -n 1)"
        fi
done
pct() { sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 } END { if (!NR) { print "-"; exit } i = int((p * NR + 99) / 100); if (i < 1) i = 1; print v[i] }'; }
diag "oom_handler: under_oom=1 -> hog gone p50 $(pct 50 "$TMP/ms") ms, p99 $(pct 99 "$TMP/ms") ms, max $(pct 100 "$TMP/ms") ms ($wins runs)"
check "live optin: full-speed hog killed by oomguard at the OOM event in $wins/$RUNS" [ "$wins" = "$RUNS" ]
check "live optin: kernel oom_kill stayed 0" [ "$(kv "$CG" oom_kill)" = 0 ]
by_event=$(grep -c "kill pid .*OOMGUARD_WAKEUP=v1 OOM event" "$TMP/log")
diag "woken by the v1 OOM eventfd in $by_event of $RUNS (the rest: a poll tick saw under_oom first)"
check "live optin: woken by the OOM eventfd ($by_event/$RUNS)" [ "$by_event" -ge $((RUNS / 2)) ]
check "live optin: under_oom back to 0" wait_for "[ \"\$(kv $CG under_oom)\" = 0 ]" 2
check "live optin: still the OOM handler after the runs" disabled 1

# 2. Reload without the mode puts the value back; with it, takes it again.
sed -i 's/^oom_handler = yes$/usage_above = 100%/' "$TMP/conf"
kill -HUP "$og"
check "live optin: reload without oom_handler restores oom_kill_disable 0" wait_for "disabled 0" 3
sed -i 's/^usage_above = 100%$/oom_handler = yes/' "$TMP/conf"
kill -HUP "$og"
check "live optin: reload with oom_handler sets it again" wait_for "disabled 1" 3

# 3. A clean stop puts it back and leaves no state file.
stop_guard
check "live optin: clean stop restores oom_kill_disable 0" disabled 0
check "live optin: clean stop removes the state file" [ ! -e "$STATE" ]

# 4. SIGKILL: the guardian puts it back within 1 s.
start_guard "oom_handler = yes"
wait_for "disabled 1" 3
gpid=$(guardian)
kill -9 "$og"; wait "$og" 2>/dev/null; og=
t0=$EPOCHREALTIME
if wait_for "disabled 0" 1; then
        diag "SIGKILL: oom_kill_disable back to 0 after $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms"
        ok "live optin: after kill -9 of oomguard, oom_kill_disable is 0 within 1 s (guardian)"
else
        not_ok "live optin: after kill -9 of oomguard, oom_kill_disable is 0 within 1 s (guardian)"
fi
check "live optin: the guardian says so" logged "$TMP/log" "oomguard guardian: restored oom_kill_disable = 0"
check "live optin: the guardian exited" wait_for "! kill -0 ${gpid:-0} 2>/dev/null" 2
check "live optin: no state file left after the guardian" [ ! -e "$STATE" ]

# 5. --restore replays a leftover file (the guardian was killed too), and
#    leaves a value someone else changed since alone.
mkdir -p "$(dirname "$STATE")"
echo 1 > "$CG/memory.oom_control"
printf '# left by a killed oomguard\noom_kill_disable 0 1 %s\noom_kill_disable 0 1 %s\n' \
        "$CG/memory.oom_control" "$CG2/memory.oom_control" > "$STATE"
$OOMGUARD --restore --restore-file "$STATE" 2> "$TMP/restore.log"; rc=$?
check "live optin: --restore exits 0 (status $rc)" [ $rc = 0 ]
check "live optin: --restore put oom_kill_disable back to 0" disabled 0
check "live optin: --restore says what it restored" grep -q "restored oom_kill_disable = 0 in $CG/memory.oom_control" "$TMP/restore.log"
check "live optin: --restore removed the state file" [ ! -e "$STATE" ]
check "live optin: --restore skipped the line whose file no longer holds ours" grep -q -- "--restore: put back 1 cgroup values" "$TMP/restore.log"

# 6. Start-up replays a leftover file before applying anything.
echo 1 > "$CG/memory.oom_control"
printf 'oom_kill_disable 0 1 %s\n' "$CG/memory.oom_control" > "$STATE"
start_guard "usage_above = 100%"
check "live optin: start-up replays a leftover state file" disabled 0
check "live optin: start-up logs it" grep -q "start-up: put back 1 cgroup values" "$TMP/log"
stop_guard

# 7. When oomguard cannot act (the only process is protected: no victim),
#    it hands the cgroup to the kernel's OOM killer instead of leaving the
#    hog waiting for ever.
start_guard "oom_handler = yes
protect = ^hog$" "$REL2"
wait_for "[ \"\$(kv $CG2 oom_kill_disable)\" = 1 ]" 3
out=$(timeout 20 "$WATCH" "$CG2" "$HOG" 1024 2>/dev/null | tail -n 1)
check "live optin: no victim: the hog did not hang ($out)" grep -q "status=SIGKILL" <<<"$out"
check "live optin: no victim: the kernel's OOM killer took over (oom_kill $(kv "$CG2" oom_kill))" [ "$(kv "$CG2" oom_kill)" -ge 1 ]
check "live optin: no victim: logged as handed to the kernel" logged "$TMP/log" "under OOM and no victim: oom_kill_disable = 0, the kernel's OOM killer takes over"
diag "$(grep -m1 'takes over' "$TMP/log" | cut -c1-200)"
check "live optin: taken again after the OOM" wait_for "[ \"\$(kv $CG2 oom_kill_disable)\" = 1 ]" 5
stop_guard
check "live optin: stop restores the second cgroup too" [ "$(kv "$CG2" oom_kill_disable)" = 0 ]

# 8. oomguard inside the cgroup it would take: an OOM there with the
#    kernel's killer off would stop oomguard with the rest. Not taken.
printf '[daemon]\ninterval = 100ms\n[cgroup:test]\npath = %s\naction = kill\noom_handler = yes\n' "$REL2" > "$TMP/conf"
: > "$TMP/log"
sh -c "echo \$\$ > $CG2/cgroup.procs; exec $OOMGUARD -c $TMP/conf --log stderr --restore-file $STATE" 2> "$TMP/log" &
og=$!
wait_for "grep -q guarding $TMP/log" 5
check "live optin: its own cgroup is not taken" wait_for "grep -q 'holds oomguard itself' $TMP/log" 3
check "live optin: its own cgroup keeps the kernel's OOM killer" [ "$(kv "$CG2" oom_kill_disable)" = 0 ]
stop_guard
exit $((failures > 0))
