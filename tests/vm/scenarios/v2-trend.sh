#!/bin/bash
# vm: layout=v2 mem=1024M swap=none timeout=400
# The leak forecast on pure cgroup v2: a steady 4 MiB/s leak into a
# 512 MiB memory.max (256 MiB at the start) gives exactly one leak
# warning, its "limit in about N s" within 30 % of the real time left
# (the limit less the usage, over the rate measured after it), then back
# to normal once the leaker is killed; a sawtooth (100-250 MiB, 1 s) in
# another 512 MiB cgroup gives none. No action is taken (warn-only rule).
. "$(dirname "$0")/lib.sh"
name="v2 trend"
root=/sys/fs/cgroup
base=$root/oomguard-trend
LEAKER=$B/helpers/leaker
LIMIT=$((512 * 1024 * 1024))
mkdir -p $base && echo +memory > $base/cgroup.subtree_control
for c in leak saw; do mkdir -p $base/$c && echo $LIMIT > $base/$c/memory.max || { not_ok "$name: create $c"; finish; }; done
usage() { cat $base/leak/memory.current; }
start_in() { # CG OUT ARGS...: the leaker in CG (oom_score_adj 0); pid in $!
        local cg=$1 out=$2; shift 2
        sh -c 'echo 0 >/proc/self/oom_score_adj; echo $$ > '"$cg"'/cgroup.procs; exec "$@"' sh "$LEAKER" "$@" > "$out" 2>&1 &
}
start_in $base/saw "$TMP/saw" saw 100 250 1; saw=$!
start_in $base/leak "$TMP/leak" leak 256 4; leak=$!
wait_for "grep -q ready $TMP/leak && grep -q ready $TMP/saw" 20 || not_ok "$name: the leakers started"
log=$TMP/guard.log
printf '[daemon]\ninterval = 100ms\n[cgroup:test]\npath = /oomguard-trend/*\nleak_warn_within = 90s\nleak_window = 30s\n' > "$TMP/conf"
start_guard "$TMP/conf" "$log" || { not_ok "$name: oomguard did not start: $(head -c 300 "$log")"; finish; }
t_start=$(now_s)
if wait_for "grep -q 'on /oomguard-trend/leak: leak: ' $log" 40; then
        u0=$(usage) t0=$(now_s)
        sleep 2
        u1=$(usage) t1=$(now_s)
        kill -9 $leak; wait $leak 2>/dev/null
        line=$(grep -m1 "on /oomguard-trend/leak: leak: " "$log")
        diag "$line"
        said=$(sed -n 's/.*limit in about \([0-9.]*\) \([a-z]*\).*/\1 \2/p' <<<"$line")
        real=$(awk -v l=$LIMIT -v u0="$u0" -v u1="$u1" -v t0="$t0" -v t1="$t1" \
                'BEGIN { r = (u1 - u0) / (t1 - t0); printf "%.1f %.2f", (l - u0) / r, r / 1048576 }')
        diag "forecast: $said; real: ${real% *} s at ${real#* } MiB/s (usage $((u0 >> 20)) MiB)"
        check "$name: the forecast is in seconds" [ "${said#* }" = s ]
        check "$name: the forecast is within 30 % of the real time to the limit" \
                awk -v f="${said% *}" -v r="${real% *}" 'BEGIN { d = f - r; if (d < 0) d = -d; exit !(r > 0 && d <= 0.3 * r) }'
        check "$name: back to normal once the leaker is gone" wait_for "grep -q 'on /oomguard-trend/leak: leak back to normal' $log" 20
else
        not_ok "$name: a leak warning within 40 s"
        kill -9 $leak; wait $leak 2>/dev/null
fi
wait_for "awk -v s=$t_start -v n=\$(now_s) 'BEGIN { exit !(n - s >= 25) }'" 40
check "$name: sawtooth: no leak warning" [ "$(grep -c 'on /oomguard-trend/saw: leak' "$log")" = 0 ]
grep -m 2 'on /oomguard-trend/saw: leak' "$log" | cut -c1-400 | diag "$(cat)"
check "$name: exactly one leak warning (fired, never worse)" [ "$(grep -c 'on /oomguard-trend/leak: leak: ' "$log")" = 1 ]
check "$name: the kernel killed nothing" [ "$(kv $base/leak/memory.events oom_kill)" = 0 ]
stop_guard
kill -9 $saw 2>/dev/null
remove_cgroups $base/leak $base/saw $base
finish
