#!/bin/bash
# make vmbench: oomguard vs Debian's earlyoom vs the kernel, whole-machine OOM in a VM.
# Runs the VM scenarios whole-machine-noswap and whole-machine-swap (zram) with more
# trials (VMBENCH_TRIALS, default 20 per guard), collects their "# vmbench:" lines and
# prints a table, also written to BUILD_DIR/vmbench-results.md.
# Usage: tests/vm/vmbench.sh [BUILD_DIR] [SCENARIO...]   (after `make B=build tests`)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO" || exit 2
B=${1:-build}; shift $(($# > 0 ? 1 : 0))
TRIALS=${VMBENCH_TRIALS:-20}
OUT=$B/vmbench
RESULTS=$B/vmbench-results.md
rm -rf "$OUT"; mkdir -p "$OUT"
BIN=$OUT/bin   # a private copy: the build directory may be relinked while the VMs run
mkdir -p "$BIN" && cp -p "$B/oomguard" "$BIN/" && cp -rp "$B/helpers" "$BIN/" || { echo "vmbench: no binaries in $B (make B=$B tests)"; exit 1; }
if (($# > 0)); then SCENARIOS=("$@"); else SCENARIOS=(whole-machine-noswap whole-machine-swap); fi

rows=() T0=$(date +%s)
for name in "${SCENARIOS[@]}"; do
        f=$HERE/scenarios/$name.sh
        [ -f "$f" ] || { echo "vmbench: no scenario $f"; exit 1; }
        layout=v2 mem=512M swap=none timeout=300
        for kv in $(sed -n 's/^# vm: //p' "$f" | head -n 1); do
                case $kv in
                layout=*) layout=${kv#*=} ;; mem=*) mem=${kv#*=} ;;
                swap=*) swap=${kv#*=} ;; timeout=*) timeout=${kv#*=} ;;
                esac
        done
        timeout=$((timeout * TRIALS / 10 + 120))   # the header's timeout is for 10 trials
        echo "vmbench: $name ($layout $mem swap=$swap, $TRIALS trials per guard, up to ${timeout}s)"
        t0=$(date +%s)
        "$HERE/vm-run.sh" --layout "$layout" --mem "$mem" --swap "$swap" --timeout "$timeout" \
                --env "TRIALS=$TRIALS" --env "EO_TRIALS=$TRIALS" -- bash "${f#"$REPO"/}" "$BIN" >"$OUT/$name.log" 2>&1
        rc=$?
        echo "vmbench: $name: exit $rc after $(($(date +%s) - t0)) s, log $OUT/$name.log"
        grep -E '^not ok' "$OUT/$name.log" | sed 's/^/  /'
        while read -r line; do rows+=("$line"); done < <(sed -n 's/^# vmbench: //p' "$OUT/$name.log")
done

val() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }
{
        echo "# oomguard vs earlyoom vs the kernel: whole-machine OOM in a VM"
        echo
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'), host $(uname -r), $(nproc) cores; VM: Debian's $(ls -1 /boot/vmlinuz-* | sort -V | tail -n 1 | sed 's|.*/vmlinuz-||'), TCG, 2 vCPUs; $TRIALS trials per guard; total $(($(date +%s) - T0)) s."
        echo "earlyoom: $(/usr/bin/earlyoom -v 2>&1 | head -n 1) with Debian's defaults (-r 3600). oomguard: the [global] rule in each scenario's file."
        echo
        echo "| scenario | guard | before kernel | kernel first | reaction p50 | reaction p99 | longest stall of a protected loop (max) | longest guard gap (p50 / max) |"
        echo "|---|---|---|---|---|---|---|---|"
        for r in "${rows[@]}"; do
                echo "| $(val "$r" scenario) | $(val "$r" guard) | $(val "$r" wins)/$(val "$r" trials) | $(val "$r" kernel) | $(val "$r" react_p50_ms) ms | $(val "$r" react_p99_ms) ms | $(val "$r" stall_max_ms) ms | $(val "$r" gap_p50_ms) / $(val "$r" gap_max_ms) ms |"
        done
        echo
        echo "Reaction: from the first 10 ms sample with MemAvailable below 10 % of MemTotal to the first sample"
        echo "with the hog a zombie or gone (over the trials the guard won; a kill before the crossing has no"
        echo "reaction time). Stall: the longest gap between two samples of that sampler (bash, oom_score_adj"
        echo "-1000). Guard gap: the longest time the guard was not scheduled (its /proc/PID/schedstat run count"
        echo "did not move), an upper bound of the gap between its ticks. See tests/vm/scenarios/whole-machine-common.sh."
} >"$RESULTS"
cat "$RESULTS"
