#!/bin/bash
# The shipped etc/oomguard.conf, unmodified (copied to a temp path), live,
# judged by the kernel: a full-speed hog in a 256 MiB v1 memory cgroup the
# config never names is killed by oomguard before the kernel, 10/10
# (memory.oom_control oom_kill stays 0), and a process holding 246 MiB of
# anonymous memory in another 256 MiB cgroup (over the rule's 95 %, but not
# stalling) and then sleeping is untouched for a minute.
#
# The shipped policy guards a whole machine ([global]) and every limited
# cgroup. So that it acts only on what this test creates, oomguard runs as
# it would in a container: in its own cgroup namespace (rooted at a cgroup
# the test creates, with the memory hierarchy mounted afresh), its own
# mount and pid namespaces (its /proc, and so [global]'s victims, are the
# test's processes only). The proc connector reports the host's pids, not
# the namespace's: it is turned off (OOMGUARD_NO_PROC_CONNECTOR=1), as it
# is unavailable in a pod's network namespace anyway.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live shipped: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live shipped: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
if ! command -v unshare >/dev/null; then skip "live shipped: no unshare (util-linux)"; exit 0; fi
HERE=$(cd "$(dirname "$0")/.." && pwd)
OG=$(realpath "$OOMGUARD")
HOG=$(realpath "$B/helpers/hog")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
BOX=$MEMROOT${SELF%/}/oomguard-shipped-$$
TMP=$(mktemp -d)
RUNS=${OOMGUARD_SHIPPED_RUNS:-10}
HOLD_S=${OOMGUARD_SHIPPED_HOLD:-60}

empty_cgroup() {
        for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$1/cgroup.procs"; done
}
cleanup() {
        [ -n "${inner:-}" ] && kill -9 "$inner" 2>/dev/null
        wait 2>/dev/null
        for d in "$BOX/hog" "$BOX/still" "$BOX"; do
                [ -d "$d" ] || continue
                echo 0 > "$d/memory.oom_control" 2>/dev/null
                empty_cgroup "$d"
                wait_for "rmdir $d 2>/dev/null" 5 || echo "# could not remove $d"
        done
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$BOX" && mkdir "$BOX/hog" "$BOX/still" || { not_ok "live shipped: create cgroups under $BOX"; exit 1; }
echo 256M > "$BOX/hog/memory.limit_in_bytes" && echo 256M > "$BOX/still/memory.limit_in_bytes"
cp "$HERE/etc/oomguard.conf" "$TMP/oomguard.conf"
check "live shipped: the config is the shipped one, byte for byte" cmp -s "$HERE/etc/oomguard.conf" "$TMP/oomguard.conf"
oc() { sed -n "s/^$2 //p" "$BOX/$1/memory.oom_control"; }

# Inside the namespaces: the memory hierarchy's root is $BOX, so the
# cgroups are /hog and /still. Results go to files in $TMP.
cat > "$TMP/inner.sh" <<'INNER'
set -u
TMP=$1 OG=$2 HOG=$3 RUNS=$4 HOLD_S=$5
mount -t tmpfs none /sys/fs/cgroup && mkdir /sys/fs/cgroup/memory &&
        mount -t cgroup -o memory oomguard-test /sys/fs/cgroup/memory || { echo "mount failed" > "$TMP/inner-error"; exit 1; }
M=/sys/fs/cgroup/memory
# Run "$@" in cgroup $1; exec, so that $! of "in_cgroup ... &" is its pid.
in_cgroup() { local cg=$1; shift; exec sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$M/$cg" "$@"; }
OOMGUARD_NO_PROC_CONNECTOR=1 "$OG" -c "$TMP/oomguard.conf" --log stderr --restore-file "$TMP/restore" 2> "$TMP/log" &
og=$!
for _ in $(seq 200); do
        [ "$(grep -c 'is its OOM handler' "$TMP/log")" -ge 2 ] && break
        sleep 0.05
done
t0=$(date +%s)
(in_cgroup still "$HOG" 246 0 hold > "$TMP/still.out" 2>&1) &
echo $! > "$TMP/still.pid"
for i in $(seq "$RUNS"); do
        (in_cgroup hog "$HOG" 1024 0 > /dev/null 2>&1) &
        pid=$!
        wait "$pid"
        echo "$i $pid $?" >> "$TMP/trials"
done
while [ $(( $(date +%s) - t0 )) -lt "$HOLD_S" ]; do sleep 1; done
kill -0 "$(cat "$TMP/still.pid")" 2>/dev/null && echo alive > "$TMP/still.state"
grep -q ready "$TMP/still.out" && echo ready >> "$TMP/still.state"
kill -TERM "$og"; wait "$og"
echo "$?" > "$TMP/og.rc"
INNER

sh -c 'echo $$ > "$0/cgroup.procs" && exec unshare --cgroup --mount --propagation private --pid --fork --mount-proc bash "$@"' \
        "$BOX" "$TMP/inner.sh" "$TMP" "$OG" "$HOG" "$RUNS" "$HOLD_S" &
inner=$!
wait "$inner"; inner=
if [ -e "$TMP/inner-error" ]; then not_ok "live shipped: $(cat "$TMP/inner-error")"; exit 1; fi
diag "$(grep -E 'guarding|OOM handler|warning|error' "$TMP/log" | head -n 8 | cut -c1-200)"

check "live shipped: oomguard took over the OOM of both limited cgroups" \
        [ "$(grep -c 'is its OOM handler' "$TMP/log")" -ge 2 ]
wins=0
while read -r i pid rc; do
        if [ "$rc" = 137 ] && grep -q "kill pid $pid (hog): rule limits on /hog: under OOM" "$TMP/log"; then
                wins=$((wins + 1))
        else
                diag "trial $i: hog $pid exit $rc: $(grep "pid $pid " "$TMP/log" | head -n 1 | cut -c1-200)"
        fi
done < "$TMP/trials"
check "live shipped: full-speed hog in an unnamed cgroup killed by oomguard, $wins/$RUNS" [ "$wins" = "$RUNS" ]
check "live shipped: the kernel's oom_kill of that cgroup stayed 0" [ "$(oc hog oom_kill)" = 0 ]
check "live shipped: the 246 MiB holder was left alone for ${HOLD_S}s" grep -qx alive "$TMP/still.state"
check "live shipped: ... after it had touched all of it" grep -qx ready "$TMP/still.state"
check "live shipped: ... with no action logged on its cgroup" eval "! grep -q 'on /still' $TMP/log"
check "live shipped: the kernel's oom_kill of the holder's cgroup stayed 0" [ "$(oc still oom_kill)" = 0 ]
check "live shipped: oomguard stopped cleanly" [ "$(cat "$TMP/og.rc" 2>/dev/null)" = 0 ]
check "live shipped: oom_kill_disable put back on both at the stop" \
        [ "$(oc hog oom_kill_disable)$(oc still oom_kill_disable)" = 00 ]
exit $((failures > 0))
