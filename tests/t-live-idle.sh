#!/bin/bash
# Live: idle is idle, armed fast. oomguard watches 200 empty v1 memory
# cgroups (64 MiB each, with cgroup2 twins, so each gets a usage threshold
# and a PSI trigger), one of 512 MiB and one for page cache:
#  - every wakeup is armed within 2 s of start, the cgroup closest to its
#    level in the first batch;
#  - idle, the fallback poll backs off (about one wakeup a second);
#  - a reload disarms and re-arms everything within 2 s (closing 200 PSI
#    triggers one by one alone takes ~2.5 s here);
#  - page cache past a cgroup's level, its working set far below, tightens
#    it (a cgroup of its own, action = warn);
#  - a lowered limit is seen while the cgroup is cold, its threshold re-armed
#    under the old eventfd's number, and a full-speed hog killed before the
#    kernel;
#  - a resting vmpressure eventfd is waited on again after its rest.
# oomguard may act only inside the cgroups created here.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
UNIROOT=/sys/fs/cgroup/unified
if [ "$(id -u)" != 0 ]; then skip "live idle: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live idle: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
HOG=$(realpath "$B/helpers/hog")
N=${OOMGUARD_IDLE_CGROUPS:-200}
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-idle-$$
CG=$MEMROOT$REL
UNI=$UNIROOT$REL
TMP=$(mktemp -d)
made=""   # cgroup2 levels created here, outermost first

stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
cleanup() {
        stop_guard
        [ -n "${ballast:-}" ] && kill "$ballast" 2>/dev/null && wait "$ballast" 2>/dev/null
        if [ -d "$CG" ]; then
                for d in "$CG"/*/; do
                        for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$d/cgroup.procs"; done
                done
                wait 2>/dev/null
                find "$CG" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        [ -d "$UNI" ] && find "$UNI" -depth -type d -exec rmdir {} + 2>/dev/null
        for d in $(echo $made | tr ' ' '\n' | tac); do rmdir "$d" 2>/dev/null; done
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" || { not_ok "live idle: create $CG"; exit 1; }
d=$UNI
while [ ! -d "$d" ] && [ "$d" != $UNIROOT ]; do made="$d $made"; d=$(dirname "$d"); done
[ -d $UNIROOT ] && mkdir -p "$UNI" 2>/dev/null || made=""
for i in $(seq -w 1 "$N"); do
        mkdir "$CG/c$i" && echo 64M > "$CG/c$i/memory.limit_in_bytes"
        [ -n "$made" ] && mkdir "$UNI/c$i"
done
for c in big cache; do
        mkdir "$CG/$c" && echo 64M > "$CG/$c/memory.limit_in_bytes"
        [ -n "$made" ] && mkdir "$UNI/$c"
done
echo 512M > "$CG/big/memory.limit_in_bytes"
psi=0; [ -n "$made" ] && [ -f "$UNI/big/memory.pressure" ] && psi=$((N + 1)) # "cache" has no PSI threshold
in_cgroup() { local cg=$1; shift; sh -c "echo \$\$ > $cg/cgroup.procs; exec \"\$@\"" sh "$@" & }
# The closest to its level: 40 MiB of 64 (the level: 57.6).
mid=$(printf 'c%0*d' ${#N} $((N / 2)))
in_cgroup "$CG/$mid" "$HOG" 40 0 hold > "$TMP/ballast.out" 2>&1; ballast=$!
wait_for "grep -q ready $TMP/ballast.out" 10

conf() {
        printf '[daemon]\nrescan_interval = 60s\npost_kill_delay = 100ms\n[cgroup:cache]\npath = %s/cache\nusage_above = 90%%\naction = warn\n[cgroup:idle]\npath = %s/*\nusage_above = 90%%\npsi_some_avg10_above = 30\naction = kill\n' \
                "$REL" "$REL" > "$TMP/conf"
}
# slices PID SECONDS: times the process was scheduled in, per second.
slices() {
        local a b
        a=$(awk '{print $3}' /proc/$1/schedstat); sleep "$2"; b=$(awk '{print $3}' /proc/$1/schedstat)
        echo $(( (b - a) / $2 ))
}
armed_ms() { sed -n 's/.*armed: .* in \([0-9]*\) ms.*/\1/p' "$TMP/log" | sed -n "${1}p"; }

# 1. Start: everything armed within 2 s, the closest first.
conf
: > "$TMP/log"
t0=$EPOCHREALTIME
$OOMGUARD -c "$TMP/conf" --log stderr -v 2> "$TMP/log" & og=$!
wait_for "grep -q 'info: armed:' $TMP/log" 10
t1=$EPOCHREALTIME
diag "$(grep -m1 'info: armed:' "$TMP/log" | sed 's/.*info: //'); $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s from exec"
check "live idle: start: every threshold armed (log)" grep -q "armed: $((N + 2)) cgroups watched, $((N + 2)) usage thresholds, $psi PSI triggers" "$TMP/log"
check "live idle: start: armed within 2 s of exec" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 2) }'
first=$(grep -m1 'armed [0-9]* v1 usage thresholds' "$TMP/log")
diag "first batch: ${first#*debug: }"
check "live idle: start: the cgroup closest to its level was in the first batch" grep -q "closest first: $REL/$mid " <<<"$first"

# 2. Idle: about one wakeup a second (the poll was 100 ms: 10).
sleep 1
idle=$(slices "$og" 5)
diag "idle: $idle wakeups/s"
check "live idle: idle, the poll backs off (< 4 wakeups/s)" [ "$idle" -lt 4 ]

# 3. A reload re-arms everything within 2 s (the 200 PSI triggers are
# closed in parallel first). Then page cache fills the cgroup "cache"
# past its level, its working set far below: without vmpressure there
# (it has PSI) only polling sees the working set climb: at 6000 MiB/s
# its 57 MiB are 10 ms away, and the poll tightens.
kill -HUP "$og"
wait_for "[ \$(grep -c 'info: armed:' $TMP/log) -ge 2 ]" 10
ms=$(armed_ms 2)
diag "reload: $(grep 'info: armed:' "$TMP/log" | sed -n '2s/.*info: //p')"
check "live idle: reload: re-armed within 2 s" [ "${ms:-99999}" -lt 2000 ]
if [ "$psi" != 0 ]; then
        in_cgroup "$CG/cache" dd if=/dev/zero of="$TMP/cachefill" bs=1M count=100 status=none; wait $!
        usage=$(( $(cat "$CG/cache/memory.usage_in_bytes") >> 20 ))
        sleep 0.5
        near=$(slices "$og" 3)
        diag "page cache at $usage MiB of 64: $near wakeups/s"
        check "live idle: near its level (page cache), the poll tightens (>= 5 wakeups/s)" [ "$near" -ge 5 ]
        rm -f "$TMP/cachefill"
else
        skip "live idle: near its level, the poll tightens: no cgroup2 twin for PSI here (vmpressure wakes instead)"
fi

# 4. A lowered limit: the cold cgroup's probe sees it, the threshold is
# re-armed (most likely under the same fd number) and still wakes us.
conf
kill -HUP "$og"
wait_for "[ \$(grep -c 'info: armed:' $TMP/log) -ge 3 ]" 10
sleep 1
# Twice: the second re-arm's eventfd gets the number the first one had
# (the lowest free), which epoll cannot tell from the old one.
rearmed() { [ "$(grep -c 'armed 1 v1 usage thresholds' "$TMP/log")" -gt "$1" ]; }
# A cold cgroup with an armed eventfd is read in full every 5 s, at a tick
# of the idle poll (~1 s apart): up to ~6 s. 12 s leaves room for a loaded
# machine and stays far below the 60 s rescan that a missed change waits for.
for limit in 384M 256M; do
        before=$(grep -c 'armed 1 v1 usage thresholds' "$TMP/log")
        echo $limit > "$CG/big/memory.limit_in_bytes"
        check "live idle: a limit lowered to $limit is re-armed within 12 s" wait_for "rearmed $before" 12
done
diag "$(grep 'armed 1 v1 usage thresholds' "$TMP/log" | tail -2 | sed 's/.*debug: //')"
oom0=$(sed -n 's/^oom_kill //p' "$CG/big/memory.oom_control")
in_cgroup "$CG/big" "$HOG" 1024 0 > /dev/null 2>&1; pid=$!
wait $pid 2>/dev/null; rc=$?
logged "$TMP/log" "kill pid $pid (hog)" 2
ev=$(grep "kill pid $pid (hog)" "$TMP/log" | head -1)
diag "$(grep -o 'OOMGUARD_WAKEUP=[^=]*OOMGUARD_USAGE' <<<"$ev" | sed 's/ OOMGUARD_USAGE$//')"
check "live idle: after the limit change, the hog killed before the kernel" \
        [ "$(sed -n 's/^oom_kill //p' "$CG/big/memory.oom_control")" = "$oom0" -a $rc = 137 -a -n "$ev" ]
check "live idle: ... woken by the re-armed threshold" grep -q "OOMGUARD_WAKEUP=v1 usage threshold on $REL/big" <<<"$ev"
check "live idle: the ballast was left alone" kill -0 "$ballast"
stop_guard

# 5. A resting vmpressure eventfd is waited on again when its rest (100 ms)
# ends, not at the next poll: with a 10 s interval and a failcnt rule that
# never fires, sustained reclaim in a cgroup without PSI (no twin:
# vmpressure) wakes the guard about ten times a second, not once.
mkdir "$CG/press" && echo 64M > "$CG/press/memory.limit_in_bytes"
printf '[daemon]\ninterval = 10s\n[cgroup:press]\npath = %s/press\nfailcnt_rate_above = 1000000\naction = warn\n' "$REL" > "$TMP/press.conf"
: > "$TMP/log"
$OOMGUARD -c "$TMP/press.conf" --log stderr 2> "$TMP/log" & og=$!
wait_for "grep -q 'info: armed:' $TMP/log" 10
sleep 1
# The writer goes on until the window is over (one 2 GiB dd once ended
# inside it): reclaim is sustained through all of it.
in_cgroup "$CG/press" sh -c "while :; do dd if=/dev/zero of=$TMP/pressfill bs=1M count=2048 status=none; done"; dd=$!
sleep 0.5
a=$(awk '{print $3}' /proc/$og/schedstat); sleep 1.5; b=$(awk '{print $3}' /proc/$og/schedstat)
running=$(kill -0 $dd 2>/dev/null && echo yes || echo no)
# The loop first (by its pid: it ends even if it never got into the
# cgroup), then the dd it may have started.
kill -9 "$dd" 2>/dev/null
for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/press/cgroup.procs"; done
wait $dd 2>/dev/null
rm -f "$TMP/pressfill"
diag "sustained reclaim (writer still running: $running): $(( (b - a) * 2 / 3 )) wakeups/s, failcnt $(cat "$CG/press/memory.failcnt")"
check "live idle: a resting vmpressure eventfd is waited on again (>= 4 wakeups/s, interval 10 s)" \
        [ $(( (b - a) * 2 / 3 )) -ge 4 ]
stop_guard
exit $((failures > 0))
