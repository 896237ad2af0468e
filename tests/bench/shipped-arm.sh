#!/bin/bash
# Time to fully armed with the shipped policy, unmodified, over the
# limited cgroups under DIR (a v1 memory cgroup the bench made): oomguard
# runs in its own cgroup, mount and pid namespaces whose memory hierarchy
# is rooted at DIR, so that `path = /**` and [global] see only the
# bench's cgroups and processes (as tests/t-live-shipped.sh does).
#   shipped-arm.sh OOMGUARD CONF DIR N TMP
# Prints "armed_s=… handled=… handled_s=… armed_log_ms=… reload_ms=…":
# exec → the "armed:" line, how many cgroups oomguard took the OOM of and
# when the last was taken, and a reload (SIGHUP) → armed again.
set -u
OG=$1 CONF=$2 DIR=$3 N=$4 TMP=$5
cat > "$TMP/shipped-inner.sh" <<'INNER'
set -u
OG=$1 CONF=$2 N=$3 TMP=$4
mount -t tmpfs none /sys/fs/cgroup && mkdir /sys/fs/cgroup/memory &&
        mount -t cgroup -o memory oomguard-bench /sys/fs/cgroup/memory || { echo "error=mount"; exit 1; }
log=$TMP/shipped-arm.log
t0=$EPOCHREALTIME
OOMGUARD_NO_PROC_CONNECTOR=1 "$OG" -c "$CONF" --log stderr --restore-file "$TMP/shipped-restore" 2> "$log" &
og=$!
armed= handled=
for _ in $(seq 1200); do
        [ -z "$armed" ] && grep -q 'info: armed:' "$log" && armed=$EPOCHREALTIME
        [ -z "$handled" ] && [ "$(grep -c 'is its OOM handler' "$log")" -ge "$N" ] && handled=$EPOCHREALTIME
        [ -n "$armed" ] && [ -n "$handled" ] && break
        kill -0 $og 2>/dev/null || break
        sleep 0.02
done
ms=$(grep -m1 'info: armed:' "$log" | sed -n 's/.* in \([0-9]*\) ms.*/\1/p')
kill -HUP $og
for _ in $(seq 1200); do [ "$(grep -c 'info: armed:' "$log")" -ge 2 ] && break; sleep 0.02; done
reload=$(grep 'info: armed:' "$log" | sed -n '2s/.* in \([0-9]*\) ms.*/\1/p')
kill -TERM $og; wait $og
awk -v t0="$t0" -v a="${armed:-}" -v h="${handled:-}" -v n="$(grep -c 'is its OOM handler' "$log")" -v ms="${ms:-?}" -v rl="${reload:-?}" \
        'BEGIN { printf "armed_s=%s handled=%s handled_s=%s armed_log_ms=%s reload_ms=%s\n", a ? sprintf("%.2f", a - t0) : "?", n, h ? sprintf("%.2f", h - t0) : "?", ms, rl }'
INNER
sh -c 'echo $$ > "$0/cgroup.procs" && exec unshare --cgroup --mount --propagation private --pid --fork --mount-proc bash "$@"' \
        "$DIR" "$TMP/shipped-inner.sh" "$OG" "$CONF" "$N" "$TMP"
