#!/bin/bash
# Run every VM scenario (tests/vm/scenarios/*.sh), each in its own fresh VM, and the
# harness self-test; collect "ok - / not ok - / skip - " lines; end with
#   vmcheck: N passed, N failed[, N skipped]
# Usage: tests/vm/run-scenarios.sh [BUILD_DIR] [SCENARIO...]   (default: build, all)
# A scenario declares its VM in a header line, read here on the host:
#   # vm: layout=v2|v1|hybrid mem=512M swap=none|zram:SIZE|disk:SIZE timeout=SEC
# Files without that line (lib.sh, status-common.sh) are sourced helpers, not scenarios.
# Environment: VMCHECK_JOBS=2 runs two VMs at a time (default 1: timings stay honest
# on a 2-core machine); VMCHECK_HARNESS=0 skips the harness self-test (~30 s).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO" || exit 2
B=${1:-build}; shift $(($# > 0 ? 1 : 0))
JOBS=${VMCHECK_JOBS:-1}
OUT=$B/vmcheck
rm -rf "$OUT"; mkdir -p "$OUT"

for f in "$B/oomguard" "$B/helpers/hog"; do
        [ -x "$f" ] || { echo "vmcheck: $f missing (make B=$B tests)"; echo "vmcheck: 0 passed, 1 failed"; exit 1; }
done

# Scenarios use a private copy of the binaries: the build directory may be rebuilt
# while the VMs run (a relink under a running VM shows as "cannot execute").
BIN=$OUT/bin
mkdir -p "$BIN" && cp -p "$B/oomguard" "$BIN/" && cp -rp "$B/helpers" "$BIN/" ||
        { echo "vmcheck: cannot copy the binaries to $BIN"; echo "vmcheck: 0 passed, 1 failed"; exit 1; }

if (($# > 0)); then SCENARIOS=("$@"); else SCENARIOS=("$HERE"/scenarios/*.sh); fi

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# run_one FILE: the scenario in a VM configured by its header; output in $OUT/NAME.log,
# "rc seconds" in $OUT/NAME.rc
run_one() {
        local f=$1 name hdr layout=v2 mem=512M swap=none timeout=300 kv t0 rc
        name=$(basename "$f" .sh)
        hdr=$(sed -n 's/^# vm: //p' "$f" | head -n 1)
        for kv in $hdr; do
                case $kv in
                layout=*) layout=${kv#*=} ;; mem=*) mem=${kv#*=} ;;
                swap=*) swap=${kv#*=} ;; timeout=*) timeout=${kv#*=} ;;
                esac
        done
        t0=$(now)
        "$HERE/vm-run.sh" --layout "$layout" --mem "$mem" --swap "$swap" --timeout "$timeout" \
                --log "$OUT/$name.console" -- bash "${f#"$REPO"/}" "$BIN" >"$OUT/$name.log" 2>&1
        rc=$?
        echo "$rc $(secs "$t0" "$(now)") $layout $mem $swap" >"$OUT/$name.rc"
}

T0=$(now)
if [ "${VMCHECK_HARNESS:-1}" != 0 ]; then
        t0=$(now)
        "$HERE/harness-test.sh" >"$OUT/harness.log" 2>&1
        echo "$? $(secs "$t0" "$(now)") host - -" >"$OUT/harness.rc"
fi
names=()
for f in "${SCENARIOS[@]}"; do
        [ -f "$f" ] || f=$HERE/scenarios/$f
        [ -f "$f" ] || f=$f.sh
        [ -f "$f" ] || { echo "vmcheck: no scenario $f"; continue; }
        grep -q '^# vm: ' "$f" || continue
        names+=("$(basename "$f" .sh)")
        run_one "$f" &
        while (($(jobs -rp | wc -l) >= JOBS)); do wait -n; done
done
wait

passed=0 failed=0 skipped=0
[ "${VMCHECK_HARNESS:-1}" != 0 ] && names=(harness "${names[@]}")
for name in "${names[@]}"; do
        log=$OUT/$name.log
        read -r rc secs layout mem swap <"$OUT/$name.rc"
        p=$(grep -c '^ok - ' "$log") f=$(grep -c '^not ok - ' "$log") s=$(grep -c '^skip - ' "$log")
        # a scenario that died (timeout 124, dead VM 125, crash) without saying why counts as a failure
        if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
                echo "not ok - $name: exited $rc$( [ "$rc" = 124 ] && echo ' (timeout)')$( [ "$rc" = 125 ] && echo ' (VM died)')" >>"$log"
                f=1
        fi
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
        if [ "$f" != 0 ]; then
                echo "FAIL $name ($f failed, rc $rc, ${secs}s, $layout $mem swap=$swap)"
                # the scenario's set-up (first lines) and how it ended (last lines)
                grep -E '^(not ok|#)|^vm-run:' "$log" >"$log.why"
                if [ "$(wc -l <"$log.why")" -le 45 ]; then sed 's/^/  /' "$log.why"
                else
                        head -n 5 "$log.why" | sed 's/^/  /'
                        echo "  ... ($(wc -l <"$log.why") lines: $log)"
                        tail -n 40 "$log.why" | sed 's/^/  /'
                fi
                # a dead VM: what vm-run quoted of the kernel's console (the panic), which
                # the filter above drops; the whole console is in $OUT/NAME.console
                [ "$rc" != 125 ] || sed -n '/^vm-run: the VM ended/,$p' "$log" |
                        grep -Ev '^(vm-run:|not ok - )' | head -n 30 | sed 's/^/  console| /'
        else
                echo "pass $name ($p passed, $s skipped, ${secs}s, $layout $mem swap=$swap)"
        fi
        # baselines and skips are worth reading even when everything passed
        grep -E '^skip - |^ok - .*(baseline|before kernel)' "$log" | sed 's/^/  /'
done
echo "vmcheck: logs in $OUT/, total $(secs "$T0" "$(now)")s"
line="vmcheck: $passed passed, $failed failed"
[ "$skipped" = 0 ] || line+=", $skipped skipped"
echo "$line"
[ "$failed" = 0 ]
