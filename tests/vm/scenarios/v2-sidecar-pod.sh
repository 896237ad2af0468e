#!/bin/bash
# vm: layout=v2 mem=512M swap=none timeout=300
# --sidecar=PROGRAM on pure cgroup v2, as in a pod on a v2 node: one pid
# namespace (unshare --pid; its PID 1 a shell in a "pause" cgroup) and
# three cgroups, pause, app and guard; the app and the guard each enter a
# cgroup namespace of their own and mount cgroup2 afresh (a container's
# /sys/fs/cgroup is its own cgroup), so the guard sees the app as
# "0::/../app". oomguard --sidecar=app in the guard's container must find
# the app by its name, kill its full-speed hogs before the kernel (the
# app's memory.events oom_kill, read from the VM's root), and leave PID
# 1's cgroup alone. tests/t-live-sidecar-pod.sh: the same on v1.
. "$(dirname "$0")/lib.sh"
name="v2 sidecar pod" root=/sys/fs/cgroup top=/oomguard-vm trials=${TRIALS:-5}
OG=$(realpath "$OOMGUARD") HOGB=$(realpath "$HOG")
mkdir -p $root$top && echo +memory >$root$top/cgroup.subtree_control &&
        mkdir -p $root$top/pause $root$top/app $root$top/guard &&
        echo 128M >$root$top/app/memory.max && echo 128M >$root$top/pause/memory.max ||
        { not_ok "$name: create $root$top"; finish; }
oom_kills() { kv $root$top/$1/memory.events oom_kill; }

cat >"$TMP/pod.sh" <<'POD'
set -u
T=$1 OG=$2 HOG=$3 N=$4 CG=$5
echo $$ >"$CG/pause/cgroup.procs"
echo 0 >/proc/self/oom_score_adj 2>/dev/null
# container CG CMD...: CMD in cgroup CG with a cgroup namespace and a
# cgroup2 mount of its own (its root is CG).
container() {
        local cg=$1; shift
        # (a tmpfs first: mount(8) refuses cgroup2 "already mounted" there)
        sh -c "echo \$\$ >$CG/$cg/cgroup.procs; exec /usr/bin/unshare --cgroup --mount sh -c 'mount --make-rprivate /; \
                mount -t tmpfs tmpfs /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec \"\$0\" \"\$@\"' $*" &
}
logged() { for _ in $(seq $((${2:-20} * 20))); do grep -q "$1" "$T/guard.log" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# Beside PID 1, in its cgroup: a process named like the app. Never the app.
HOG_COMM=app "$HOG" 8 0 hold >"$T/neighbour.out" 2>&1 &
neighbour=$!
HOG_COMM=app container app "$HOG" 8 0 hold >"$T/app.out" 2>&1
for _ in $(seq 400); do grep -q ready "$T/app.out" && break; sleep 0.05; done
container guard "$OG" --sidecar=app --log stderr 2>"$T/guard.log"
guard=$!
logged "info: armed:" || exit 3
for i in $(seq "$N"); do
        k0=$(sed -n 's/^oom_kill //p' "$CG/app/memory.events")
        sh -c "echo \$\$ >$CG/app/cgroup.procs; exec $HOG 1024 0" >/dev/null 2>&1 &
        pid=$!
        wait $pid; rc=$?
        echo "$pid $rc $k0 $(sed -n 's/^oom_kill //p' "$CG/app/memory.events")" >>"$T/runs"
        for _ in $(seq 40); do grep -q "kill pid $pid " "$T/guard.log" && break; sleep 0.05; done
done
kill -0 $neighbour && echo alive >"$T/neighbour.end"
kill "$guard" $neighbour; wait "$guard"
POD
timeout 240 /usr/bin/unshare --pid --fork --mount-proc bash "$TMP/pod.sh" "$TMP" "$OG" "$HOGB" "$trials" "$root$top"
rc=$?
check "$name: the pod script ran (exit $rc)" [ $rc = 0 ]
grep -E "sidecar|armed" "$TMP/guard.log" | head -n 4 | cut -c1-300 | diag "$(cat)"
check "$name: the app found by its name, seen as a sibling's cgroup" \
        grep -q "sidecar: guarding the container of app (pid [0-9]*): cgroup /\.\./app (our view; ours: /, PID 1's: /\.\./pause)" "$TMP/guard.log"
check "$name: the app's own memory.max as the limit" grep -q "guarding the container of app .*limit 128.0MiB" "$TMP/guard.log"
wins=0
while read -r pid status k0 k1; do
        if [ "$status" = 137 ] && [ "$k0" = "$k1" ] && grep -q "kill pid $pid (hog)" "$TMP/guard.log"; then
                wins=$((wins + 1))
        else
                diag "hog $pid: exit $status, kernel oom_kill $k0 -> $k1"
        fi
done <"$TMP/runs"
echo "# $name: $wins/$trials before kernel"
check "$name: $wins/$trials of the app's full-speed hogs killed from the other container first (>= $((trials - 1)))" \
        [ $wins -ge $((trials - 1)) ]
others=$(grep 'kill pid' "$TMP/guard.log" | grep -v 'kill pid [0-9]* (hog)')
check "$name: no kill but of a hog; the neighbour named app in PID 1's cgroup alive to the end" \
        [ -z "$others" -a -f "$TMP/neighbour.end" ]
check "$name: PID 1's cgroup's kernel oom_kill is 0" [ "$(oom_kills pause)" = 0 ]
remove_cgroups $root$top/guard $root$top/app $root$top/pause $root$top
finish
