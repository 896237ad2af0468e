# shellcheck shell=bash disable=SC2034,SC2154  # variables shared with the sourcing scripts
# Helpers for scenarios running INSIDE the VM (sourced, bash). On top of tests/lib.sh
# (ok / not_ok / skip / diag / check / wait_for / near; $1 = build dir).
. "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"
HOG=$B/helpers/hog
TMP=$(mktemp -d)
# The guest is a machine of its own (and the build folder read-only in
# it): its daemons write their reports where their config says.
unset OOMGUARD_REPORT_DIR OOMGUARD_RESTORE_FILE OOMGUARD_METRICS_FILE

# The script itself must survive any OOM it provokes; children inherit the value,
# so hogs are started through start_hog, which resets it.
echo -1000 >/proc/self/oom_score_adj

# start_hog CGROUP_PROCS_FILE|"" OUTFILE ARGS...: start a hog (oom_score_adj 0),
# in the cgroup whose cgroup.procs files are given (space separated); sets HOG_PID.
start_hog() {
        local procs=$1 out=$2; shift 2
        sh -c 'echo 0 >/proc/self/oom_score_adj; for f in '"$procs"'; do echo $$ >"$f" || exit 99; done; exec "$@"' \
                hog "$HOG" "$@" >"$out" 2>&1 &
        HOG_PID=$!
}

# key VALUE from a flat-keyed kernel file ("key value" lines)
kv() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# the cgroup's JSON object from oomguard --status --json output
jq() { command jq -M "$@"; }   # stdout is a tty (the serial port): no colours
jq_e() { command jq -M -e "$@" >/dev/null; }   # a jq test, quietly
cg_json() { jq -c --arg p "$2" '.cgroups[] | select(.path == $p)' "$1"; }

# Kill everything in the given cgroup directories and remove them, deepest first.
remove_cgroups() {
        local d p
        for d in "$@"; do
                [ -d "$d" ] || continue
                for _ in 1 2 3; do
                        while read -r p; do kill -9 "$p" 2>/dev/null; done <"$d/cgroup.procs"
                done
        done
        wait 2>/dev/null
        for d in "$@"; do [ -d "$d" ] && { wait_for "rmdir $d 2>/dev/null" 5 || diag "could not remove $d"; }; done
        return 0
}

finish() { exit $((failures > 0)); }

# start_guard CONF LOG [ARGS...]: oomguard in the background, logging to LOG; waits
# until it says "guarding" (20 s: the first exec through 9p is slow); sets OG_PID.
start_guard() {
        local conf=$1 log=$2; shift 2
        : >"$log"
        "$OOMGUARD" -c "$conf" --log stderr "$@" 2>"$log" &
        OG_PID=$!
        wait_for "grep -q guarding $log" 20
}
stop_guard() {
        [ -n "${OG_PID:-}" ] || return 0
        kill "$OG_PID" 2>/dev/null; wait "$OG_PID" 2>/dev/null; OG_PID=
        return 0
}

# now_s: seconds since boot with fractions (CLOCK_MONOTONIC-like, from /proc/uptime's clock)
now_s() { date +%s.%N; }
# elapsed_ms A B: (B - A) in integer milliseconds
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d\n", (b - a) * 1000 }'; }

# pctl P FILE: the P-th percentile (nearest rank) of the numbers in FILE, or "-"
pctl() { sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 } END { if (!NR) { print "-"; exit } i = int((p * NR + 99) / 100); if (i < 1) i = 1; print v[i] }'; }

# wakeups LOG: "kind xN, kind xM" of the OOMGUARD_WAKEUP fields of LOG's kill events
wakeups() {
        grep -o 'OOMGUARD_WAKEUP=[^=]*OOMGUARD_' "$1" | sed 's/^OOMGUARD_WAKEUP=//; s/ OOMGUARD_$//' |
                sort | uniq -c | sort -rn | awk '{ n = $1; $1 = ""; sub(/^ /, ""); printf "%s%s x%d", sep, $0, n; sep = ", " }'
}

# wait_gone PID SECS: wait up to SECS for the background child PID to end, quietly (bash
# reports a SIGKILLed job on stderr); its exit status in $RC, 124 if it outlived SECS.
wait_gone() {
        RC=124
        { wait_for "! kill -0 $1 2>/dev/null" "$2" && { wait "$1"; RC=$?; }; } 2>/dev/null
        return 0
}

# field LINE KEY: the value of OOMGUARD_KEY in one stderr event line ("-" if absent)
field() { local v; v=$(sed -n "s/.* OOMGUARD_$2=\([^=]*\) OOMGUARD_[A-Z_]*=.*/\1/p; t; s/.* OOMGUARD_$2=\([^=]*\)\$/\1/p" <<<"$1"); echo "${v:--}"; }
