#!/bin/bash
# The leak forecast, live, in two v1 memory cgroups of 512 MiB this test
# creates (root), under one guard (leak_window = 30s, leak_warn_within =
# 90s): a steady 4 MiB/s leak on top of 256 MiB must give exactly one leak
# warning whose time to the limit is within 30 % of the real one (the
# limit minus the usage when the warning is logged, over the rate
# measured then), and "back to normal" once the test has killed the
# leaker, long before the limit (the kernel's oom_kill stays 0); a
# sawtooth (100 to 250 MiB every second, its floor flat) beside it must
# give none in 25 s, while its trend has had data for 17 s of them.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live trend: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live trend: no cgroup v1 memory controller"; exit 0; fi
LEAKER=$(realpath "$B/helpers/leaker")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-trend-$$
TMP=$(mktemp -d)
LIMIT=$((512 * 1024 * 1024))
RATE=4 # MiB/s

stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
empty() { # CG: its processes killed (the test's children: reaped)
        local pids=
        for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; pids="$pids $p"; done < "$1/cgroup.procs"; done
        for p in $pids; do wait "$p" 2>/dev/null; done
        wait_for "[ ! -s $1/cgroup.procs ]" 5
}
cleanup() {
        stop_guard
        for c in leak saw; do
                [ -d "$MEMROOT$REL/$c" ] && empty "$MEMROOT$REL/$c" &&
                        { wait_for "rmdir $MEMROOT$REL/$c 2>/dev/null" 5 || echo "# could not remove $REL/$c"; }
        done
        [ -d "$MEMROOT$REL" ] && rmdir "$MEMROOT$REL"
        [ -n "${KEEP:-}" ] && { echo "# kept $TMP"; return; }
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$MEMROOT$REL/leak" "$MEMROOT$REL/saw" || { not_ok "live trend: create $REL"; exit 1; }
for c in leak saw; do echo $LIMIT > "$MEMROOT$REL/$c/memory.limit_in_bytes"; done
LEAK=$MEMROOT$REL/leak SAW=$MEMROOT$REL/saw
oom_kills() { sed -n 's/^oom_kill //p' "$1/memory.oom_control"; }
usage() { cat "$LEAK/memory.usage_in_bytes"; }
# in_cgroup CG OUT ARGS...: the leaker in CG, its stdout to OUT
in_cgroup() {
        local cg=$1 out=$2; shift 2
        sh -c "echo \$\$ > $cg/cgroup.procs; exec \"\$@\"" sh "$@" > "$out" &
}

: > "$TMP/saw.out"
: > "$TMP/leak.out"
in_cgroup "$SAW" "$TMP/saw.out" "$LEAKER" saw 100 250 1; saw=$!
in_cgroup "$LEAK" "$TMP/leak.out" "$LEAKER" leak 256 $RATE; leak=$!
wait_for "grep -q ready $TMP/leak.out && grep -q ready $TMP/saw.out" 10 || not_ok "live trend: the leakers started"

printf '[daemon]\ninterval = 100ms\n\n[cgroup:test]\npath = %s/*\nleak_warn_within = 90s\nleak_window = 30s\n' \
        "$REL" > "$TMP/conf"
$OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log" &
og=$!
wait_for "grep -q guarding $TMP/log" 5 || not_ok "live trend: the guard started"
t_start=$(date +%s.%N)

# 1. The leak's warning, and the real time left when it came.
if logged "$TMP/log" "on $REL/leak: leak: " 30; then
        u0=$(usage) t0=$(date +%s.%N)
        sleep 2
        u1=$(usage) t1=$(date +%s.%N)
        kill -9 $leak
        wait $leak 2>/dev/null
        line=$(grep -m1 "on $REL/leak: leak: " "$TMP/log")
        diag "$line"
        said=$(sed -n 's/.*limit in about \([0-9.]*\) \([a-z]*\).*/\1 \2/p' <<<"$line")
        real=$(awk -v l=$LIMIT -v u0="$u0" -v u1="$u1" -v t0="$t0" -v t1="$t1" \
                'BEGIN { r = (u1 - u0) / (t1 - t0); printf "%.1f %.2f", (l - u0) / r, r / 1048576 }')
        diag "forecast: $said; real: ${real% *} s at ${real#* } MiB/s (usage $((u0 >> 20)) MiB of $((LIMIT >> 20)) MiB)"
        check "leak: the forecast is in seconds" [ "${said#* }" = s ]
        check "leak: the forecast is within 30 % of the real time to the limit" \
                awk -v f="${said% *}" -v r="${real% *}" 'BEGIN { d = f - r; if (d < 0) d = -d; exit !(r > 0 && d <= 0.3 * r) }'
        check "leak: back to normal once the leaker is gone" logged "$TMP/log" "on $REL/leak: leak back to normal" 10
else
        not_ok "leak: a leak warning within 30 s"
        kill -9 $leak
        wait $leak 2>/dev/null
fi
check "leak: the kernel's oom_kill did not move" [ "$(oom_kills "$LEAK")" = 0 ]

# 2. The sawtooth beside it, 25 s after the guard started.
wait_for "awk -v s=$t_start -v n=\$(date +%s.%N) 'BEGIN { exit !(n - s >= 25) }'" 30
check "sawtooth: still running (not killed)" kill -0 $saw
check "sawtooth: no leak warning in 25 s" [ "$(grep -c "on $REL/saw: leak" "$TMP/log")" = 0 ]
check "sawtooth: the kernel's oom_kill did not move" [ "$(oom_kills "$SAW")" = 0 ]
check "leak: exactly one warning in all (fired, never worse)" [ "$(grep -c "on $REL/leak: leak: " "$TMP/log")" = 1 ]
stop_guard
check "the guard logged no error" bash -c "! grep -Eiq 'error|sanitizer' $TMP/log"
[ $failures -gt 0 ] && diag "$(tail -n 20 "$TMP/log")"
exit $((failures > 0))
