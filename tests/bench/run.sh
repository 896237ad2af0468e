#!/bin/bash
# make bench: oomguard and Debian's earlyoom side by side, measured on this
# machine. A benchmark, not a test: it prints numbers and never fails on
# them. Everything it starts runs inside v1 memory cgroups it creates under
# its own memory cgroup; everything it starts is stopped by PID, and every
# cgroup it made is removed on exit (EXIT/INT/TERM).
#   tests/bench/run.sh BUILD_DIR
# Environment: BENCH_RUNS (races per rate, default 10), BENCH_IDLE_SECONDS
# (10), BENCH_PROCS (10000), BENCH_CGROUPS (1000), BENCH_IDLE_SMALL (100),
# BENCH_NO_TWINS (set: no cgroup2 twins), BENCH_RATES ("50 200 1000 0"),
# BENCH_EXECS (100), BENCH_EXEC_RATE (1000), BENCH_STORM_SECONDS (10),
# BENCH_LOOP_TRIALS (5).
# Output: a Markdown table on stdout, also saved to BUILD_DIR/bench-results.md;
# raw logs in BUILD_DIR/bench-logs/. Progress goes to stderr.
set -u
B=$(realpath "${1:?usage: $0 BUILD_DIR}")
RUNS=${BENCH_RUNS:-10}
IDLE_S=${BENCH_IDLE_SECONDS:-10}
NPROCS=${BENCH_PROCS:-10000}
NCG=${BENCH_CGROUPS:-1000}
RATES=${BENCH_RATES:-50 200 1000 0}
NEXECS=${BENCH_EXECS:-100}
STORM_RATE=${BENCH_EXEC_RATE:-1000}
STORM_S=${BENCH_STORM_SECONDS:-10}
LOOP_TRIALS=${BENCH_LOOP_TRIALS:-5}
MEMROOT=/sys/fs/cgroup/memory
UNIROOT=/sys/fs/cgroup/unified
UNIMADE=""                               # cgroup2 levels made here (twins), outermost first
OUT=$B/bench-results.md
LOGS=$B/bench-logs
T0=$SECONDS
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (it creates memory cgroups)"
[ -f $MEMROOT/memory.limit_in_bytes ] || die "needs the cgroup v1 memory controller at $MEMROOT"
for f in oomguard helpers/hog bench/race helpers/spawn helpers/adjlat bench/victimtime bench/execstorm bench/restartloop bench/armcost bench/reportcost bench/metricscost bench/trendcost; do
        [ -x "$B/$f" ] || die "missing $B/$f (run: make bench)"
done
EARLYOOM=$(command -v earlyoom || true)

SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-bench-$$          # relative to the memory root
BASE=$MEMROOT$REL
TMP=$(mktemp -d /tmp/oomguard-bench.XXXXXX)
rm -rf "$LOGS"; mkdir -p "$LOGS"

# --- cleanup: our processes by PID, then every cgroup we made -------------
# Our children by PID. A PID is signalled only while it is still our child
# (its parent is this shell), so that a reused PID is never hit.
declare -A LIVE=()
track() { LIVE[$1]=1; }
ours() { [ "$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f2)" = "$$" ]; }
stop_pid() {                             # stop_pid PID: TERM, then KILL after 3 s
        local p=$1 i
        unset "LIVE[$p]"
        ours "$p" || { wait "$p" 2>/dev/null; return 0; }
        kill "$p" 2>/dev/null
        for i in $(seq 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
        ours "$p" && kill -9 "$p" 2>/dev/null
        wait "$p" 2>/dev/null
        return 0
}
kill_cgroup_procs() {                    # every process left in our cgroups
        local d p
        [ -d "$BASE" ] || return 0
        for _ in 1 2 3; do
                for d in $(find "$BASE" -depth -type d); do
                        while read -r p; do kill -9 "$p" 2>/dev/null; done < "$d/cgroup.procs"
                done
        done
}
cgroup_count_procs() { find "$BASE" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l; }
remove_cgroups() {
        local d i
        [ -d "$BASE" ] || return 0
        for i in $(seq 100); do
                kill_cgroup_procs
                [ "$(cgroup_count_procs)" = 0 ] && break
                sleep 0.1
        done
        find "$BASE" -depth -type d -exec rmdir {} + 2>/dev/null
        for i in $(seq 50); do [ -d "$BASE" ] || break; sleep 0.1; rmdir "$BASE" 2>/dev/null; done
        [ -d "$BASE" ] && say "could not remove $BASE"
        return 0
}
cleanup() {
        local p i
        trap - EXIT INT TERM
        if [ -n "${SP_PID:-}" ] && ours "$SP_PID" && kill "$SP_PID" 2>/dev/null; then  # it reaps its 10,000 itself
                for i in $(seq 300); do ours "$SP_PID" || break; sleep 0.1; done
        fi
        for p in "${!LIVE[@]}"; do stop_pid "$p"; done
        remove_cgroups
        [ -n "$UNIMADE" ] && [ -d "$UNIROOT$REL" ] && find "$UNIROOT$REL" -depth -type d -exec rmdir {} + 2>/dev/null
        for d in $(echo $UNIMADE | tr ' ' '\n' | tac); do rmdir "$d" 2>/dev/null; done
        rm -rf "$TMP"
        [ -n "${RAWDIR:-}" ] && rm -rf "$RAWDIR"
}
trap cleanup EXIT
# fg CMD...: run CMD in the background and wait, so that INT/TERM reach the
# trap at once (and the cleanup knows its PID).
fg() { "$@" & local p=$!; track "$p"; wait "$p"; local r=$?; unset "LIVE[$p]"; return $r; }
trap 'say interrupted; exit 130' INT TERM

mkdir "$BASE" || die "cannot create $BASE"
export OOMGUARD_REPORT_DIR=$TMP/reports   # the guards' reports: the bench's, not the machine's
export OOMGUARD_METRICS_FILE=$TMP/metrics/oomguard.prom # likewise their metrics file

# --- helpers ---------------------------------------------------------------
# The hog under a name of its own, so that earlyoom's --prefer can only ever
# match ours (other tests on this machine run their own "hog").
cp "$B/helpers/hog" "$TMP/ogbhog"
HOG=$TMP/ogbhog
# earlyoom's --avoid: a POSIX ERE matching every process name but "ogbhog".
EO_PREFER='^ogbhog$'
EO_AVOID='^(|[^o].*|o|o[^g].*|og|og[^b].*|ogb|ogb[^h].*|ogbh|ogbh[^o].*|ogbho|ogbho[^g].*|ogbhog.+)$'

median() { sort -n | awk '{a[NR]=$1} END {if (NR) { printf "%.1f", a[int((NR+1)/2)] } else printf "n/a"}'; }
fmt() { case "$1" in nan|"") echo "n/a" ;; *) printf '%.1f' "$1" ;; esac; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f×", a/b; else printf "—" }'; }
mem_avail_pct() { awk '/^MemTotal/ {t=$2} /^MemAvailable/ {a=$2} END {printf "%d", a*100/t}' /proc/meminfo; }

OG_PID=
start_oomguard() {                       # start_oomguard CONF LOG
        "$B/oomguard" -c "$1" --log stderr 2> "$2" &
        OG_PID=$!; track "$OG_PID"
        local i
        for i in $(seq 200); do grep -q guarding "$2" && return 0; kill -0 $OG_PID 2>/dev/null || break; sleep 0.05; done
        say "oomguard did not start: $(tail -3 "$2")"; return 1
}
# earlyoom acts on the whole machine: a watchdog stops it if this machine
# ever gets anywhere near its threshold (10 % MemAvailable).
EO_PID=; WD_PID=
start_earlyoom() {                       # start_earlyoom LOG ARGS...
        local log=$1; shift
        [ "$(mem_avail_pct)" -ge 40 ] || { say "MemAvailable $(mem_avail_pct)% < 40 %: not starting earlyoom"; return 1; }
        "$EARLYOOM" "$@" --prefer "$EO_PREFER" --avoid "$EO_AVOID" > "$log" 2>&1 &
        EO_PID=$!; track "$EO_PID"
        ( while ours "$EO_PID"; do
                if [ "$(mem_avail_pct)" -lt 25 ]; then
                        echo "watchdog: MemAvailable below 25 %, stopping earlyoom" >> "$log"
                        kill "$EO_PID"; break
                fi
                sleep 0.2
          done ) &
        WD_PID=$!; track "$WD_PID"
        local i
        for i in $(seq 200); do grep -q 'SIGKILL when' "$log" && return 0; kill -0 $EO_PID 2>/dev/null || break; sleep 0.05; done
        say "earlyoom did not start: $(tail -3 "$log")"; return 1
}
stop_guards() {
        [ -n "$OG_PID" ] && stop_pid "$OG_PID"; OG_PID=
        [ -n "$EO_PID" ] && stop_pid "$EO_PID"; EO_PID=
        [ -n "$WD_PID" ] && stop_pid "$WD_PID"; WD_PID=
        return 0
}

ROWS=()                                  # table rows
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 |"); }

# --- 1. race against the kernel -------------------------------------------
RACE=$BASE/race
mkdir "$RACE" && echo 256M > "$RACE/memory.limit_in_bytes" || die "cannot create $RACE"
printf '[daemon]\nmax_kills_per_minute = 100\npost_kill_delay = 100ms\n[cgroup:bench]\npath = %s\nusage_above = 90%%\naction = kill\n' \
        "$REL/race" > "$TMP/race.conf"
rate_name() { [ "$1" = 0 ] && echo "as fast as possible" || echo "$1 MiB/s"; }
declare -A W P50 P99 LOST EXITMS DEC
for rate in $RATES; do
        for g in oomguard earlyoom; do
                log=$LOGS/race-$g-$rate
                say "race: $g, hog at $(rate_name "$rate"), $RUNS runs"
                if [ $g = oomguard ]; then
                        start_oomguard "$TMP/race.conf" "$log.guard" || continue
                else
                        [ -n "$EARLYOOM" ] || continue
                        start_earlyoom "$log.guard" -m 10 -s 100 -r 0 || continue
                fi
                fg "$B/bench/race" "$RACE" "$HOG" "$rate" "$RUNS" 90 > "$log.txt"
                stop_guards
                s=$(sed -n 's/^summary //p' "$log.txt")
                for kv in $s; do eval "S_${kv%%=*}=${kv#*=}"; done
                W[$g,$rate]="${S_wins:-0}/$RUNS"
                P50[$g,$rate]=$(fmt "${S_react_p50:-}"); P99[$g,$rate]=$(fmt "${S_react_p99:-}")
                LOST[$g,$rate]=$(fmt "${S_lost_p50:-}")
                EXITMS[$g,$rate]=$(grep -o 'OOMGUARD_EXIT_MS=[0-9.]*' "$log.guard" | cut -d= -f2 | median)
                # 90 % → SIGKILL sent = reaction - oomguard's own kill → exit,
                # pairing the n-th run with the n-th kill (when they match up).
                if [ $g = oomguard ]; then
                        sed -n 's/^run .*reaction_ms=\([0-9.na]*\).*/\1/p' "$log.txt" > "$TMP/react"
                        grep -o 'OOMGUARD_EXIT_MS=[0-9.]*' "$log.guard" | cut -d= -f2 > "$TMP/exit"
                        if [ "$(wc -l < "$TMP/react")" = "$(wc -l < "$TMP/exit")" ]; then
                                paste "$TMP/react" "$TMP/exit" | awk '$1 != "nan" {print $1 - $2}' | sort -n > "$TMP/dec"
                                DEC[$rate]="$(median < "$TMP/dec") / $(awk '{a[NR]=$1} END {i=int(NR*0.99+0.999); if (i<1) i=1; printf "%.1f", a[i]}' "$TMP/dec")"
                        fi
                fi
        done
done
reaction_cell() {                        # reaction_cell GUARD RATE
        local g=$1 r=$2
        case "${W[$g,$r]:-}" in
        "") echo "not run" ;;
        0/*) echo "— (no win; the kernel killed it ${LOST[$g,$r]} ms after 90 %)" ;;
        *) echo "${P50[$g,$r]} / ${P99[$g,$r]} ms" ;;
        esac
}
for rate in $RATES; do
        n=$(rate_name "$rate")
        row "race, $n: wins (kernel's oom_kill unmoved, hog died of the guard's signal)" \
                "${W[oomguard,$rate]:-not run}" "${W[earlyoom,$rate]:-not run}" "" "$RUNS/$RUNS (t-live-kill: 20/20)"
        row "race, $n: reaction p50 / p99 (90 % crossed → hog gone)" \
                "$(reaction_cell oomguard "$rate"); of which 90 % → SIGKILL p50 / p99 ${DEC[$rate]:-n/a} ms, SIGKILL → exit p50 ${EXITMS[oomguard,$rate]:-n/a} ms" \
                "$(reaction_cell earlyoom "$rate")" "" "p99 < 20 ms"
done
# For scale: the kernel's own teardown of a 230 MiB process (what the hog
# holds at 90 %) after SIGKILL, nobody racing. "Hog gone" cannot come sooner.
say "race: exit time of an idle 230 MiB hog after SIGKILL, $RUNS runs"
fg "$B/bench/race" "$RACE" "$HOG" --exit 230 "$RUNS" > "$LOGS/exit-floor.txt"
s=$(sed -n 's/^summary //p' "$LOGS/exit-floor.txt")
for kv in $s; do eval "S_${kv%%=*}=${kv#*=}"; done
row "for scale: SIGKILL → gone of an idle 230 MiB hog, nobody racing (the kernel's teardown)" \
        "$(fmt "${S_exit_p50:-}") / $(fmt "${S_exit_p99:-}") ms (p50 / p99)" "" "" ""
# Reports (issue 13): the race above ran with them on (into
# $TMP/reports); the same full-speed race once more with them off shows
# whether writing them after each kill changed the reaction. Kill → on
# disk: the report file's mtime minus its "time" (the decision).
say "race: oomguard, as fast as possible, reports off (report_dir empty), $RUNS runs"
OOMGUARD_REPORT_DIR= start_oomguard "$TMP/race.conf" "$LOGS/race-noreports.guard" &&
        fg "$B/bench/race" "$RACE" "$HOG" 0 "$RUNS" 90 > "$LOGS/race-noreports.txt"
stop_guards
s=$(sed -n 's/^summary //p' "$LOGS/race-noreports.txt" 2>/dev/null)
for kv in $s; do eval "S_${kv%%=*}=${kv#*=}"; done
row "race, as fast as possible, reports off → on (the rows above): wins; reaction p50 / p99 (90 % → gone)" \
        "off: ${S_wins:-0}/$RUNS, $(fmt "${S_react_p50:-}") / $(fmt "${S_react_p99:-}") ms; on: ${W[oomguard,0]:-?}, ${P50[oomguard,0]:-?} / ${P99[oomguard,0]:-?} ms" "" "" "no change"
shopt -s nullglob
REPS=("$TMP"/reports/*.json)
shopt -u nullglob
if [ ${#REPS[@]} -gt 0 ] && command -v jq > /dev/null; then
        for f in "${REPS[@]}"; do
                t=$(jq -r .time "$f")
                echo "$(stat -c %.9Y "$f") $(date -d "$t" +%s.%N) $(stat -c %s "$f") $(jq -r '.gather_ms // 0' "$f")"
        done | awk '{printf "%.3f %d %.3f\n", ($1 - $2) * 1000, $3, $4}' > "$TMP/repcost"
        ondisk=$(cut -d' ' -f1 "$TMP/repcost" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99+0.999); printf "%.1f / %.1f", a[int((NR+1)/2)], a[i]}')
        size=$(cut -d' ' -f2 "$TMP/repcost" | sort -n | awk '{a[NR]=$1} END {printf "%d / %d", a[int((NR+1)/2)], a[NR]}')
        gath=$(cut -d' ' -f3 "$TMP/repcost" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}')
        row "report: decision → file on disk, p50 / p99 (includes the kill and the wait for the victim's exit); size p50 / max; gather p50 (${#REPS[@]} reports of the race)" \
                "$ondisk ms; $size bytes; gather $gath ms" "(no reports)" "" ""
fi
say "reports: gather + write a machine-wide report with 1000 extra processes (reportcost)"
fg "$B/bench/reportcost" gather 1000 10 "$TMP/reportcost" > "$LOGS/reportcost.txt" 2>&1
row "report: gather + write, machine-wide, 1,000 more processes (tests/bench/reportcost)" "$(tail -n 1 "$LOGS/reportcost.txt")" "" "" ""
say "metrics: format + write the metrics file of $NCG pods' cgroups, 50 times (metricscost)"
mkdir -p "$TMP/metricscost"
fg "$B/bench/metricscost" "$NCG" 50 "$TMP/metricscost" > "$LOGS/metricscost.txt" 2>&1
row "metrics file: format + write, $NCG cgroups named as the kubelet names them (tests/bench/metricscost, $TMP's filesystem)" \
        "$(tail -n 1 "$LOGS/metricscost.txt")" "" "" ""
rmdir "$RACE" 2>/dev/null
# The leak trend (issue 14): what every watched cgroup's ring adds to a
# tick, every bucket closing at once (the idle rows below run with the
# rings on: their RSS includes them).
say "trend: $NCG rings fed a tick, refitted as trend_watch does (trendcost)"
fg "$B/bench/trendcost" "$NCG" 2000 > "$LOGS/trendcost.txt" 2>&1
tc() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$LOGS/trendcost.txt"; }
row "leak trend, $NCG rings: a tick's feed (trend_add + forecast each) + its refits (16 of ~$(tc refit_us) µs), p99 tick; memory" \
        "$(tc feed_us_per_tick) µs + $(tc refits_tick_us) µs, p99 $(tc p99_tick_us) µs; $(tc ring_bytes) bytes a ring ($(awk -v b="$(tc ring_bytes)" -v n="$NCG" 'BEGIN {printf "%.2f", b * n / 1048576}') MiB)" "(no trend)" "" "< 1 ms"

# --- 2. idle cost, and time to fully armed ----------------------------------
# A node's limited cgroups: NCG of them under one parent (64 MiB each),
# each with a cgroup2 twin where cgroup2 is mounted (as systemd makes
# them), so that each gets a v1 usage threshold and a PSI trigger. The
# policy is our own file in the shape the shipped one takes: one
# [cgroup:] rule for all of them (usage_above = 90 %, psi_some_avg10_above
# = 30, action = kill) and a [global] rule with the shipped thresholds but
# action = warn (the bench never acts machine-wide). oomguard watches the
# first IDLE_SMALL of them, then all NCG (the glob's directory holds NCG).
IDLE_SMALL=${BENCH_IDLE_SMALL:-100}
IDLEDIR=$BASE/idle
IDLEREL=$REL/idle
mkdir "$IDLEDIR" || die "cannot create $IDLEDIR"
if [ -d "$UNIROOT" ] && [ -z "${BENCH_NO_TWINS:-}" ]; then
        d=$UNIROOT$IDLEREL
        while [ ! -d "$d" ] && [ "$d" != "$UNIROOT" ]; do UNIMADE="$d $UNIMADE"; d=$(dirname "$d"); done
        mkdir -p "$UNIROOT$IDLEREL" 2>/dev/null || UNIMADE=
fi
say "idle: creating $NCG cgroups$([ -n "$UNIMADE" ] && echo ' (and their cgroup2 twins)')"
for i in $(seq 0 $((NCG - 1))); do
        printf -v c 'c%04d' "$i"
        mkdir "$IDLEDIR/$c" && echo 64M > "$IDLEDIR/$c/memory.limit_in_bytes"
        [ -n "$UNIMADE" ] && mkdir "$UNIROOT$IDLEREL/$c"
done
TWINS=$([ -n "$UNIMADE" ] && echo yes || echo no)
idle_conf() {                            # idle_conf GLOB FILE
        printf '[global]\nmem_available_below = 5%%\nswap_free_below = 10%%\npsi_full_avg10_above = 40\naction = warn\n[cgroup:limited]\npath = %s\nusage_above = 90%%\npsi_some_avg10_above = 30\naction = kill\n' \
                "$1" > "$2"
}
# glob_for N: the first N of c0000..c(NCG-1) (N = 10, 100, 1000 or NCG).
glob_for() {
        case $1 in
        "$NCG") echo "$IDLEREL/c*" ;;
        10) echo "$IDLEREL/c000?" ;;
        100) echo "$IDLEREL/c00??" ;;
        1000) echo "$IDLEREL/c0???" ;;
        *) die "BENCH_IDLE_SMALL must be 10, 100 or 1000" ;;
        esac
}
# idle_measure PID NAME: CPU over IDLE_S seconds after a 1 s settle (its
# own and its waited-for children's), wakeups (times scheduled in), RSS.
idle_measure() {
        local pid=$1 name=$2 hz ca cb sa sb wa wb t0 t1
        hz=$(getconf CLK_TCK)
        sleep 1
        read -r ca < <(sed 's/.*) //' /proc/$pid/stat | awk '{print $14 + $15}')
        read -r sa _ wa < /proc/$pid/schedstat; t0=$EPOCHREALTIME
        sleep "$IDLE_S"
        read -r cb < <(sed 's/.*) //' /proc/$pid/stat | awk '{print $14 + $15}')
        read -r sb _ wb < /proc/$pid/schedstat; t1=$EPOCHREALTIME
        # Its own CPU from schedstat (ns, exact), its children's from cstime/cutime (ticks).
        CPU[$name]=$(awk -v d=$((sb - sa)) -v c=$((cb - ca)) -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.3f", (d / 1e9 + c / hz) / (t1 - t0) * 100}')
        CHILD[$name]=$(awk -v d=$((cb - ca)) -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.3f", d / hz / (t1 - t0) * 100}')
        CPUMS[$name]=$(awk -v d=$((sb - sa)) -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.3f", d / 1e6 / (t1 - t0)}')
        WAKE[$name]=$(awk -v d=$((wb - wa)) -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.1f", d / (t1 - t0)}')
        RSS[$name]=$(awk '/^VmRSS/ {printf "%.2f", $2/1024}' /proc/$pid/status)
        HWM[$name]=$(awk '/^VmHWM/ {printf "%.2f", $2/1024}' /proc/$pid/status)
        SPLIT[$name]=$(awk '/^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {printf "anon %.2f + file %.2f", a/1024, f/1024}' /proc/$pid/status)
        PSS[$name]=$(awk '/^Pss:/ {printf "%.2f", $2/1024}' /proc/$pid/smaps_rollup 2>/dev/null)
}
# armed_at LOG N: wait (60 s) for the N-th "armed:" line; its "in T ms".
armed_at() {
        local i
        for i in $(seq 1200); do [ "$(grep -c 'info: armed:' "$1")" -ge "$2" ] && break; sleep 0.05; done
        grep 'info: armed:' "$1" | sed -n "${2}s/.* in \([0-9]*\) ms.*/\1/p"
}
declare -A CPU CHILD CPUMS WAKE RSS HWM SPLIT PSS WATCHED ARMEXEC ARMLOG ARMWHAT RELOAD
for n in "$IDLE_SMALL" "$NCG"; do
        idle_conf "$(glob_for "$n")" "$TMP/idle$n.conf"
        log=$LOGS/idle-oomguard-$n.log
        say "idle: oomguard watching $n cgroups: start → armed, ${IDLE_S} s idle, reload → armed"
        t0=$EPOCHREALTIME
        "$B/oomguard" -c "$TMP/idle$n.conf" --log stderr 2> "$log" &
        OG_PID=$!; track "$OG_PID"
        ARMLOG[$n]=$(armed_at "$log" 1)
        ARMEXEC[$n]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.2f", b - a}')
        ARMWHAT[$n]=$(grep -m1 'info: armed:' "$log" | sed 's/.*armed: [0-9]* cgroups watched, \(.*\), in .*/\1/')
        WATCHED[$n]=$(grep -o '[0-9]* cgroups watched' "$log" | head -1 | cut -d' ' -f1)
        if kill -0 "$OG_PID" 2>/dev/null && [ -n "${ARMLOG[$n]}" ]; then
                idle_measure "$OG_PID" "og$n"
                [ "$n" = "$NCG" ] && FDS=$(ls /proc/$OG_PID/fd | wc -l)
                kill -HUP "$OG_PID"
                RELOAD[$n]=$(armed_at "$log" 2)
        fi
        stop_guards
done
# The same under systemd's default soft RLIMIT_NOFILE (1024:524288): how
# many of them does it manage to watch?
say "idle: oomguard, $NCG cgroups, soft RLIMIT_NOFILE 1024"
NOFILE_LOG=$LOGS/idle-oomguard-$NCG-nofile1024.log
( ulimit -Sn 1024 && exec "$B/oomguard" -c "$TMP/idle$NCG.conf" --log stderr ) 2> "$NOFILE_LOG" &
OG_PID=$!; track "$OG_PID"
for i in $(seq 100); do grep -q guarding "$NOFILE_LOG" && break; kill -0 $OG_PID 2>/dev/null || break; sleep 0.05; done
WATCHED[nofile]=$(grep -o '[0-9]* cgroups watched' "$NOFILE_LOG" | head -1 | cut -d' ' -f1)
NOFILE_ERR=$(grep -c -i 'too many open files' "$NOFILE_LOG")
if [ -n "${WATCHED[nofile]}" ]; then NOFILE_CELL="${WATCHED[nofile]} of $NCG watched"
else NOFILE_CELL="did not start: \"$(grep 'error:' "$NOFILE_LOG" | tail -1 | sed 's/^oomguard: error: //')\""; fi
NOFILE_CELL="$NOFILE_CELL; $NOFILE_ERR 'Too many open files' log lines"
stop_guards
if [ -n "$EARLYOOM" ]; then
        say "idle: earlyoom (its defaults), ${IDLE_S} s"
        start_earlyoom "$LOGS/idle-earlyoom.log" && idle_measure "$EO_PID" eo
        stop_guards
fi
# What each registration costs on this kernel (tests/bench/armcost):
# one at a time over IDLE_SMALL cgroups, then the thresholds of all NCG
# from 64 threads at once.
say "idle: registration costs (armcost)"
SMALLDIRS=$(for i in $(seq 0 $((IDLE_SMALL - 1))); do printf '%s/c%04d ' "$IDLEDIR" "$i"; done)
ALLDIRS=$(for i in $(seq 0 $((NCG - 1))); do printf '%s/c%04d ' "$IDLEDIR" "$i"; done)
declare -A COST
armcost() {                              # armcost NAME KIND THREADS DIR...
        local name=$1; shift
        fg "$B/bench/armcost" "$@" > "$LOGS/armcost-$name.txt" 2>&1
        COST[$name]=$(sed -n 's/^summary //p' "$LOGS/armcost-$name.txt")
}
cost() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" <<<"${COST[$1]:-}"; }
# shellcheck disable=SC2086
{
        armcost threshold1 threshold 1 $SMALLDIRS
        armcost threshold64 threshold 64 $ALLDIRS
        armcost oom1 oom 1 $SMALLDIRS
        armcost pressure1 pressure 1 $SMALLDIRS
        [ "$TWINS" = yes ] && armcost psi1 psi 1 $(for i in $(seq 0 $((IDLE_SMALL - 1))); do printf '%s/c%04d ' "$UNIROOT$IDLEREL" "$i"; done)
}
# The shipped policy itself, unmodified, over the same NCG cgroups, in
# namespaces of their own (tests/bench/shipped-arm.sh): its rules take
# every limited cgroup's OOM (oom_handler) and a usage threshold each.
say "arming: the shipped policy over $NCG limited cgroups (own cgroup, mount and pid namespaces)"
cp "$(dirname "$0")/../../etc/oomguard.conf" "$TMP/shipped.conf"
SHIPPED=$(fg "$(dirname "$0")/shipped-arm.sh" "$B/oomguard" "$TMP/shipped.conf" "$IDLEDIR" "$NCG" "$TMP" 2> "$LOGS/shipped-arm.err")
cp "$TMP/shipped-arm.log" "$LOGS/shipped-arm.log" 2>/dev/null
shipped() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$SHIPPED"; }
find "$IDLEDIR" -mindepth 1 -maxdepth 1 -type d -exec rmdir {} +
rmdir "$IDLEDIR"
[ -d "$UNIROOT$IDLEREL" ] && find "$UNIROOT$IDLEREL" -depth -type d -exec rmdir {} +
LEFT_CG=$(find "$BASE" -mindepth 1 -type d | wc -l)
cpu_cell() {
        [ -n "${CPU[$1]:-}" ] || { echo "not run"; return; }
        local more=""
        [ -n "${WAKE[$1]:-}" ] && more="; of which children ${CHILD[$1]} %; ${WAKE[$1]} wakeups/s"
        echo "${CPU[$1]} % (${CPUMS[$1]} ms CPU/s$more)"
}
rss_cell() { [ -n "${RSS[$1]:-}" ] && echo "${RSS[$1]} / ${HWM[$1]} MiB (${SPLIT[$1]}; PSS ${PSS[$1]:-?})" || echo "not run"; }
armed_cell() { echo "${ARMEXEC[$1]:-?} s from exec (\"armed: … in ${ARMLOG[$1]:-?} ms\" after \"guarding\"; ${ARMWHAT[$1]:-?})"; }
S=$IDLE_SMALL
row "start: exec → fully armed, $S limited cgroups (twins: $TWINS)" "$(armed_cell "$S")" "(no start-up work)" "" ""
row "start: exec → fully armed, $NCG limited cgroups (twins: $TWINS)" "$(armed_cell "$NCG")" "(no start-up work)" "" "< 2 s"
row "start: exec → fully armed, the shipped policy unmodified, $NCG limited cgroups (its OOM taken in $(shipped handled) / 2 incl. the reload)" \
        "$(shipped armed_s) s (all OOMs taken at $(shipped handled_s) s); reload → armed $(shipped reload_ms) ms" "(no start-up work)" "" "< 2 s"
row "reload (SIGHUP) → fully armed again, $S / $NCG cgroups (\"armed: … in T ms\")" \
        "${RELOAD[$S]:-?} / ${RELOAD[$NCG]:-?} ms" "(no reload)" "" "< 2 s"
row "one registration at a time, p50 / p99 ($S cgroups): v1 usage threshold · OOM eventfd · vmpressure · PSI trigger; closing $S PSI triggers" \
        "$(cost threshold1 p50_ms) / $(cost threshold1 p99_ms) ms · $(cost oom1 p50_ms) / $(cost oom1 p99_ms) ms · $(cost pressure1 p50_ms) / $(cost pressure1 p99_ms) ms · $(cost psi1 p50_ms) / $(cost psi1 p99_ms) ms; $(cost psi1 close_ms) ms" "" "" ""
row "$NCG v1 usage thresholds from 64 threads at once (wall; $S one at a time: $(cost threshold1 wall_ms) ms)" \
        "$(cost threshold64 wall_ms) ms" "" "" ""
row "idle CPU, $S cgroups watched (% of one core: schedstat, plus its children's cutime+cstime; wakeups = times scheduled in)" "$(cpu_cell "og$S")" "$(cpu_cell eo)" \
        "$(ratio "${CPUMS[og$S]:-}" "${CPUMS[eo]:-}")" "< 0.1 %"
row "idle CPU, $NCG cgroups watched (oomguard saw ${WATCHED[$NCG]:-?}, ${FDS:-?} fds)" "$(cpu_cell "og$NCG")" "$(cpu_cell eo) (watches no cgroup)" \
        "$(ratio "${CPUMS[og$NCG]:-}" "${CPUMS[eo]:-}")" ""
row "$NCG cgroups with systemd's default soft RLIMIT_NOFILE 1024 (no LimitNOFILE= in oomguard.service)" \
        "$NOFILE_CELL" "" "" "$NCG of $NCG"
row "idle RSS / peak (VmRSS / VmHWM), $S cgroups" "$(rss_cell "og$S")" "$(rss_cell eo)" "$(ratio "${RSS[og$S]:-}" "${RSS[eo]:-}")" "≤ 4 MiB"
row "idle RSS / peak (VmRSS / VmHWM), $NCG cgroups" "$(rss_cell "og$NCG")" "$(rss_cell eo) (watches no cgroup)" "$(ratio "${RSS[og$NCG]:-}" "${RSS[eo]:-}")" ""

# --- 3. victim choice among NPROCS processes -------------------------------
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
PIDMAX=$(cat /proc/sys/kernel/pid_max); THRMAX=$(cat /proc/sys/kernel/threads-max)
NOW=$(ls -d /proc/[0-9]* | wc -l)
room=$(( (PIDMAX < THRMAX ? PIDMAX : THRMAX) - NOW - 2000 ))
[ "$NPROCS" -gt "$room" ] && { say "only room for $room processes (pid_max $PIDMAX, threads-max $THRMAX)"; NPROCS=$room; }
PROCS=$BASE/procs
mkdir "$PROCS" && echo 4G > "$PROCS/memory.limit_in_bytes"
say "victim: spawning $NPROCS sleeping processes"
cp "$B/helpers/spawn" "$TMP/ogbsleeper"     # a name of its own, to count them
"$TMP/ogbsleeper" "$NPROCS" "$PROCS" > "$TMP/spawn.out" 2> "$LOGS/spawn.err" &
SP_PID=$!; track "$SP_PID"
for i in $(seq 1200); do grep -q ready "$TMP/spawn.out" && break; kill -0 $SP_PID 2>/dev/null || break; sleep 0.05; done
SPAWNED=$(sed -n 's/^ready //p' "$TMP/spawn.out")
INCG=$(wc -l < "$PROCS/cgroup.procs")
PROCS_MEM=$(awk '{printf "%.0f", $1/1048576}' "$PROCS/memory.usage_in_bytes")
say "victim: $INCG processes in the cgroup ($PROCS_MEM MiB); timing victim_choose() 5 times each"
fg "$B/bench/victimtime" "$PROCS" 5 > "$LOGS/victimtime.txt"
vt() { sed -n "s/^$1 .*median_ms=\([0-9.]*\).*/\1/p" "$LOGS/victimtime.txt"; }
vx() { sed -n "s/^$1 .*$2=\([^ ]*\).*/\1/p" "$LOGS/victimtime.txt"; }
EO_SEL=()
RAWDIR=$(mktemp -d /dev/shm/oomguard-bench.XXXXXX 2>/dev/null || echo "$TMP")
if [ -n "$EARLYOOM" ]; then
        say "victim: earlyoom's own 'selecting victim took' (-d --dryrun start-up self-test), 5 times"
        for i in 1 2 3 4 5; do
                # -d writes one line per process (one write(2) each, inside
                # its timed loop): to tmpfs when there is one, the cheapest place.
                log=$RAWDIR/victim-earlyoom.raw
                start_earlyoom "$log" -d -r 0 --dryrun || break
                for _ in $(seq 300); do tail -c 4096 "$log" | grep -q 'selecting victim took' && break; sleep 0.1; done
                stop_guards
                grep -v '^pid ' "$log" > "$LOGS/victim-earlyoom-$i.log"; log=$LOGS/victim-earlyoom-$i.log
                EO_SEL+=("$(sed -n 's/.*selecting victim took \([0-9.]*\) ms.*/\1/p' "$log" | head -1)")
        done
fi
[ "$RAWDIR" != "$TMP" ] && rm -rf "$RAWDIR"
EO_MED=$(printf '%s\n' "${EO_SEL[@]}" | grep . | median)
# The spawner SIGKILLs and reaps its children on SIGTERM (no zombies left
# to init); then count what is left by name, and by the cgroup.
kill "$SP_PID"
for i in $(seq 600); do ours "$SP_PID" || break; sleep 0.1; done
stop_pid "$SP_PID"; SP_PID=
count_sleepers() { cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^ogbsleeper$'; }
for i in $(seq 60); do [ "$(count_sleepers)" = 0 ] && break; sleep 0.5; done
kill_cgroup_procs
LEFT=$(( $(count_sleepers) + $(wc -l < "$PROCS/cgroup.procs") ))
say "victim: $(sed -n 's/^reaped //p' "$TMP/spawn.out") reaped by the spawner, $LEFT left"
rmdir "$PROCS"
# ranked_cell NAME: the choice through a ranking (actions/ranking.h).
ranked_cell() {
        echo "$(vt "$1") ms ($(vx "$1" answered) answered by the ranking, $(vx "$1" candidates) candidates read of $(vx "$1" of); its walk $(vx "$1" walk_ms) ms, in the background)"
}
row "victim choice, $INCG processes in one cgroup, full scan (victim_choose over the cgroup, median of 5)" \
        "$(vt choose_cgroup) ms (scanned $(vx choose_cgroup scanned))" "(cannot: machine-wide only)" "" "< 10 ms"
row "victim choice, the same cgroup through the daemon's ranking (changes from the proc connector, the cgroup listed for moved-in processes)" \
        "$(ranked_cell ranked_cgroup)" "" "" "< 10 ms"
row "victim choice, machine-wide with $INCG of $(vx read_oom_score_machine pids) processes in it, full scan (median of 5)" \
        "$(vt choose_machine) ms" \
        "${EO_MED} ms (its own -d timing, which includes writing a line per process to tmpfs)" \
        "$(ratio "$(vt choose_machine)" "$EO_MED")" "< 10 ms"
row "victim choice, machine-wide through the ranking (forks and changes from the proc connector)" \
        "$(ranked_cell ranked_machine)" "${EO_MED} ms" "$(ratio "$(vt ranked_machine)" "$EO_MED")" "< 10 ms"

row "for scale: one open+read+close per process (stat in the cgroup / oom_score machine-wide)" \
        "$(vt read_stat_cgroup) ms / $(vt read_oom_score_machine) ms" "" "" ""

# --- 4. exec → oom_score_adj, an exec storm's CPU, a restart loop ----------
LOAD2=$(cut -d' ' -f1-3 /proc/loadavg)
EXECCG=$BASE/exec
mkdir "$EXECCG" && echo 1G > "$EXECCG/memory.limit_in_bytes" || die "cannot create $EXECCG"
# in_cg CGDIR CMD...: CMD joins CGDIR before exec (same PID, so fg tracks it).
in_cg() { local cg=$1; shift; sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"; }
# pct Q: the Q-quantile (nearest rank) of the numbers on stdin, 2 decimals.
pct() { sort -g | awk -v q="$1" '{a[NR]=$1} END {if (!NR) {printf "n/a"; exit} i=int(NR*q+0.999); if (i<1) i=1; if (i>NR) i=NR; printf "%.2f", a[i]}'; }
# Copies under names of their own: the rules below match nothing else.
cp /bin/sleep "$TMP/ogbsleep"; cp /bin/true "$TMP/ogbtrue"
# start_mode MODE CONF LOG: oomguard with the proc connector, or (scan)
# with OOMGUARD_NO_PROC_CONNECTOR=1, its /proc-scan fallback.
start_mode() {
        if [ "$1" = scan ]; then OOMGUARD_NO_PROC_CONNECTOR=1 start_oomguard "$2" "$3"; else start_oomguard "$2" "$3"; fi
}
mode_name() { [ "$1" = scan ] && echo "/proc scan (OOMGUARD_NO_PROC_CONNECTOR=1)" || echo "proc connector"; }
mode_check() {                           # mode_check LOG MODE: "" or a note
        local seen=connector
        grep -q 'no proc connector' "$1" && seen=scan
        [ "$seen" = "$2" ] || echo "; NB: oomguard ran in $seen mode"
}

# 4a. exec → oom_score_adj 500 applied. adjlat's child reads CLOCK_MONOTONIC
# just before execve; adjlat polls /proc/PID/oom_score_adj every 20 µs.
printf '[adjust:lat]\ncomm = ^ogbsleep$\noom_score_adj = 500\n' > "$TMP/lat.conf"
declare -A LAT
for m in connector scan; do
        log=$LOGS/adjlat-$m
        say "adjust: exec → oom_score_adj applied, $(mode_name $m), $NEXECS execs"
        start_mode $m "$TMP/lat.conf" "$log.guard" || continue
        fg in_cg "$EXECCG" "$B/helpers/adjlat" --lines "$TMP/ogbsleep" 500 "$NEXECS" 10 > "$log.txt"
        stop_guards
        sed -n 's/^lat //p' "$log.txt" > "$TMP/lat"
        LAT[$m]="$(pct 0.5 < "$TMP/lat") / $(pct 0.99 < "$TMP/lat") / $(pct 1 < "$TMP/lat") ms ($(wc -l < "$TMP/lat")/$NEXECS adjusted)$(mode_check "$log.guard" $m)"
done
for m in connector scan; do
        row "exec → oom_score_adj applied, $(mode_name $m): p50 / p99 / max over $NEXECS execs 10 ms apart ([adjust:] comm rule, 0 → 500)" \
                "${LAT[$m]:-not run}" "(no oom_score_adj rules)" "" ""
done

# 4b. oomguard's CPU while something fork+execs a copy of true STORM_RATE
# times a second: one [adjust:] rule that matches none of them, then one
# that matches all of them; idle (same rule, no storm) for comparison.
# cpu_window NAME PID CMD...: PID's CPU while CMD runs.
cpu_window() {
        local name=$1 pid=$2 hz a b sa sb t0 t1; shift 2
        hz=$(getconf CLK_TCK)
        a=$(sed 's/.*) //' /proc/$pid/stat | awk '{print $12 + $13}'); sa=$(awk '{print $1}' /proc/$pid/schedstat)
        t0=$EPOCHREALTIME
        "$@"
        t1=$EPOCHREALTIME
        b=$(sed 's/.*) //' /proc/$pid/stat | awk '{print $12 + $13}'); sb=$(awk '{print $1}' /proc/$pid/schedstat)
        CPU[$name]=$(awk -v d=$((b - a)) -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.2f", d / hz / (t1 - t0) * 100}')
        CPUMS[$name]=$(awk -v d=$((sb - sa)) -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.2f", d / 1e6 / (t1 - t0)}')
}
printf '[adjust:storm]\ncomm = ^ogb-nomatch$\noom_score_adj = 500\n' > "$TMP/storm-none.conf"
printf '[adjust:storm]\ncomm = ^ogbtrue$\noom_score_adj = 500\n' > "$TMP/storm-all.conf"
declare -A STORM
for k in none all; do
        log=$LOGS/storm-$k
        start_oomguard "$TMP/storm-$k.conf" "$log.guard" || continue
        sleep 1
        if [ $k = none ]; then
                say "storm: oomguard idle, $STORM_S s"
                cpu_window storm-idle "$OG_PID" sleep "$STORM_S"
        fi
        say "storm: $STORM_RATE execs/s for $STORM_S s, rule matching $k of them"
        cpu_window storm-$k "$OG_PID" fg in_cg "$EXECCG" "$B/bench/execstorm" "$TMP/ogbtrue" "$STORM_RATE" "$STORM_S" > "$log.txt"
        stop_guards
        STORM[$k]=$(sed -n 's/^summary .*execs=\([0-9]*\).*rate=\([0-9.]*\).*/\1 execs, \2\/s/p' "$log.txt")
        STORM[$k-adj]=$(grep -o 'OOMGUARD_ADJUST_COUNT=[0-9]*' "$log.guard" | cut -d= -f2 | awk '{s+=$1} END {print s+0}')
        STORM[$k-lines]=$(grep -c 'adjust: applied' "$log.guard")
done
row "CPU, oomguard idle with one [adjust:] rule, proc connector (utime+stime, % of one core; schedstat) — baseline for the two rows below" \
        "$(cpu_cell storm-idle)" "" "" ""
row "CPU during an exec storm, $STORM_RATE fork+exec/s of a copy of true for $STORM_S s (${STORM[none]:-not run}), the [adjust:] rule matches none of them" \
        "$(cpu_cell storm-none)" "(no exec events)" "" ""
row "CPU during the same exec storm (${STORM[all]:-not run}), the [adjust:] rule matches every one of them" \
        "$(cpu_cell storm-all); set on ${STORM[all-adj]:-?} processes in ${STORM[all-lines]:-?} batches (the others exited first)" "(no oom_score_adj rules)" "" ""

# 4c. A shell restart loop (while true; do HOG 1024 400; done) in a 256 MiB
# v1 memory cgroup: oomguard kills each hog at 90 %, and stops the shell
# after max_restarts = 3. restartloop times the exec of restart 4 (hog
# start 5, the kernel's proc connector timestamp) → the shell reads state T.
LOOPCG=$BASE/loop
mkdir "$LOOPCG" && echo 256M > "$LOOPCG/memory.limit_in_bytes" || die "cannot create $LOOPCG"
printf '[daemon]\nmax_kills_per_minute = 100\npost_kill_delay = 100ms\n[cgroup:loop]\npath = %s\nusage_above = 90%%\naction = kill\n[supervisor:loop]\nmatch = comm:^(sh|bash|dash)$\ncgroup = %s\nmax_restarts = 3\nwindow = 60s\nrestart_action = stop\n' \
        "$REL/loop" "$REL/loop" > "$TMP/loop.conf"
declare -A LOOP
for m in connector scan; do
        log=$LOGS/restartloop-$m
        say "restart loop: $(mode_name $m), $LOOP_TRIALS trials"
        start_mode $m "$TMP/loop.conf" "$log.guard" || continue
        oom0=$(sed -n 's/^oom_kill //p' "$LOOPCG/memory.oom_control")
        : > "$log.txt"
        for i in $(seq "$LOOP_TRIALS"); do
                fg "$B/bench/restartloop" "$LOOPCG" "$HOG" 400 4 30 >> "$log.txt"
                kill_cgroup_procs
                for _ in $(seq 100); do [ -s "$LOOPCG/cgroup.procs" ] || break; sleep 0.1; done
        done
        oom1=$(sed -n 's/^oom_kill //p' "$LOOPCG/memory.oom_control")
        stop_guards
        sed -n 's/^result .*detect_ms=\([-0-9.]*\) .*/\1/p' "$log.txt" | grep -v '^-$' > "$TMP/det"
        sed -n 's/^result .*fork_ms=\([0-9.]*\).*/\1/p' "$log.txt" | grep '[0-9]' > "$TMP/fork"
        n=$(wc -l < "$TMP/det")
        starts=$(sed -n 's/^result starts=\([0-9]*\).*/\1/p' "$log.txt" | sort -n | uniq | paste -sd, -)
        LOOP[$m]="$(pct 0.5 < "$TMP/det") / $(pct 1 < "$TMP/det") ms ($n/$LOOP_TRIALS stopped; from that hog's fork p50 $(pct 0.5 < "$TMP/fork") ms; hog starts before the stop: $starts; kernel oom_kill +$((oom1 - oom0)))$(mode_check "$log.guard" $m)"
        [ "$n" -lt "$LOOP_TRIALS" ] && LOOP[$m]="${LOOP[$m]}; $(grep -c 'detect_ms=-' "$log.txt") not stopped within 30 s or stopped before it"
done
rmdir "$LOOPCG" "$EXECCG" 2>/dev/null
for m in connector scan; do
        row "restart loop, $(mode_name $m): exec of the 4th restarted hog → shell stopped (state T), max_restarts 3, p50 / max of $LOOP_TRIALS" \
                "${LOOP[$m]:-not run}" "(no restart-loop detection)" "" ""
done

# --- output ----------------------------------------------------------------
remove_cgroups
WALL=$((SECONDS - T0))
{
        echo "## oomguard vs earlyoom ($(date -u '+%Y-%m-%d %H:%M UTC'))"
        echo
        echo "Machine: kernel $(uname -r), $(nproc) cores, $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM," \
             "swap $(awk '/^SwapTotal/ {printf "%d MiB", $2/1024}' /proc/meminfo), load average $LOAD0 at the start, $LOAD1 before the $NPROCS processes, $LOAD2 before the exec measurements (other work shares this machine);" \
             "oomguard $(git -C "$(dirname "$0")" describe --always --dirty 2>/dev/null || echo '?')," \
             "$("$EARLYOOM" -v 2>&1 | head -1 || echo 'earlyoom not installed')."
        echo "Race: 256 MiB v1 memory cgroup, \`hog 1024 RATE\`, $RUNS runs per rate; 90 % crossing timed by the bench's own" \
             "usage-threshold eventfd, \"gone\" = the hog's pidfd readable. earlyoom ran as \`earlyoom -m 10 -s 100 -r 0\`" \
             "(plus --prefer/--avoid so it could only ever pick the bench's hog). Idle: ${IDLE_S} s each, from 1 s after \"armed:\" was logged;" \
             "the bench's own policy file: [cgroup:] usage_above = 90 % + psi_some_avg10_above = 30, action = kill, and [global] mem_available_below = 5 %, swap_free_below = 10 %, psi_full_avg10_above = 40, action = warn; 64 MiB cgroups, cgroup2 twins: $TWINS." \
             "Victim choice: $SPAWNED sleeping processes spawned, $LEFT left after the bench (cgroups left: $LEFT_CG)." \
             "Exec latency: a copy of sleep started $NEXECS times 10 ms apart, stamped just before execve, its oom_score_adj polled every 20 µs." \
             "Exec storm: $STORM_S s each, paced fork+exec of a copy of true, in a bench cgroup." \
             "Restart loop: \`while true; do hog 1024 400; done\` under sh in a 256 MiB v1 memory cgroup, [cgroup:] usage_above = 90 % action = kill," \
             "[supervisor:] match = comm:^(sh|bash|dash)\$ max_restarts = 3 window = 60s restart_action = stop; timed from the kernel's exec event to state T read every 100 µs." \
             "Wall time ${WALL} s."
        echo
        echo "| metric | oomguard | earlyoom | oomguard / earlyoom | target |"
        echo "|---|---|---|---|---|"
        printf '%s\n' "${ROWS[@]}"
} > "$OUT"
cat "$OUT"
say "saved to $OUT, logs in $LOGS, ${WALL} s"
