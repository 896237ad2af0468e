#!/bin/bash
# The node-wide guard in a cgroup namespace of its own (a DaemonSet under
# containerd or CRI-O on cgroup v2: every container gets one) with the
# host's hierarchy mounted (hostPath /sys/fs/cgroup): /proc/PID/cgroup then
# reads relative to the guard's own cgroup ("/../hogs"), the mount has the
# host's tree. Emulated on this host's v1 memory hierarchy: the guard is
# started by `unshare --cgroup` from a cgroup of its own, with the host's
# mounts left as they are. A policy in host paths must work as without
# the namespace: full-speed hogs in a sibling cgroup killed by oomguard
# before the kernel (the cgroup's oom_kill counter), a cgroup: matcher of
# an [adjust:] rule applied to a process in another sibling and to none
# elsewhere; then --sidecar in the same layout, guarding its own cgroup.
# (tests/vm/scenarios/v2-cgroupns.sh: the node-wide part on pure v2.)
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live cgroupns: needs root for memory cgroups and a cgroup namespace"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live cgroupns: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
if ! unshare --cgroup true 2>/dev/null; then skip "live cgroupns: unshare --cgroup cannot make a namespace here"; exit 0; fi
HOG=$(realpath "$B/helpers/hog")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-cgns-$$
TOP=$MEMROOT$REL
CG=$TOP/hogs
TMP=$(mktemp -d)
og=''
kill_all() { [ -f "$1/cgroup.procs" ] && while read -r p; do kill -9 "$p" 2>/dev/null; done < "$1/cgroup.procs"; }
cleanup() {
        [ -n "$og" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null
        for _ in 1 2 3; do for d in guard hogs marked plain side; do kill_all "$TOP/$d"; done; done
        wait 2>/dev/null
        for d in guard hogs marked plain side ""; do
                [ -d "$TOP/$d" ] && ! wait_for "rmdir $TOP/$d 2>/dev/null" 5 && echo "# could not remove $TOP/$d"
        done
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$TOP" "$TOP/guard" "$CG" "$TOP/marked" "$TOP/plain" && echo 256M > "$CG/memory.limit_in_bytes" ||
        { not_ok "live cgroupns: create $TOP"; exit 1; }

cat > "$TMP/conf" <<CONF
[daemon]
interval = 100ms
post_kill_delay = 100ms
max_kills_per_minute = 100
rescan_interval = 1s
[cgroup:hogs]
path = $REL/hogs
usage_above = 90%
action = kill
[adjust:marked]
cgroup = $REL/marked
oom_score_adj = 400
CONF
# Two sleepers: one the [adjust:] rule names by cgroup, one beside it.
sh -c "echo \$\$ > $TOP/marked/cgroup.procs; exec sleep 60" & marked=$!
sh -c "echo \$\$ > $TOP/plain/cgroup.procs; exec sleep 60" & plain=$!
sh -c "echo \$\$ > $TOP/guard/cgroup.procs; exec unshare --cgroup $OOMGUARD -v -c $TMP/conf" > "$TMP/log" 2>&1 &
og=$!
if ! wait_for "grep -q 'guarding' $TMP/log" 10; then not_ok "live cgroupns: oomguard did not start"; cat "$TMP/log"; exit 1; fi

# The layout is the one meant: in its namespace the guard is at "/" and
# the hogs' cgroup reads "/../hogs", while the mount has the host's tree.
view=$(nsenter -t $og -C cat /proc/$og/cgroup | sed -n 's/^[0-9]*:memory://p')
hogs_view=$(nsenter -t $og -C cat /proc/$marked/cgroup | sed -n 's/^[0-9]*:memory://p')
mroot=$(nsenter -t $og -C cat /proc/$og/mountinfo | awk -v m=$MEMROOT '$5 == m { print $4 }' | tail -n 1)
diag "in the guard's namespace: its cgroup $view, a sibling's $hogs_view, the mount's root $mroot"
check "live cgroupns: the guard's namespace: itself at /, a sibling at /../marked, the mount from above" \
        [ "$view" = / -a "$hogs_view" = /../marked -a "${mroot#/..}" != "$mroot" ]
check "live cgroupns: it says where its namespace's root is in the mount" \
        grep -q "cgroup namespace: $MEMROOT is mounted from above it; our namespace's root is $REL/guard there" "$TMP/log"
grep 'cgroup namespace' "$TMP/log" | head -n 3 | diag "$(cat)"

wait_for "grep -q 'ranking of $REL/hogs\\|watching' $TMP/log" 3
for i in 1 2 3; do hog_race "live cgroupns" "hog $i in a sibling cgroup"; done
check "live cgroupns: the kill's event names the host path" grep -q "kill pid $HOG_PID (hog).*$REL/hogs" "$TMP/log"
adj() { cat /proc/$1/oom_score_adj; }
check "live cgroupns: a cgroup: matcher in host paths applies to the sibling ($(adj $marked))" wait_for "[ \$(adj $marked) = 400 ]" 5
check "live cgroupns: and to nothing beside it ($(adj $plain))" [ "$(adj $plain)" = 0 ]
kill $marked $plain 2>/dev/null
kill "$og" 2>/dev/null && wait "$og" 2>/dev/null
og=''

# The same layout for --sidecar (a container given the host's tree, e.g.
# `docker run --cgroupns=private -v /sys/fs/cgroup:/sys/fs/cgroup`): its
# cgroup is found in the host's tree, named by its host path, guarded.
CG=$TOP/side
mkdir "$CG" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "live cgroupns: create $CG"; exit 1; }
sh -c "echo \$\$ > $CG/cgroup.procs; exec unshare --cgroup $OOMGUARD --sidecar" > "$TMP/side.log" 2>&1 &
og=$!
check "live cgroupns: --sidecar finds its cgroup by its host path in the host's tree" \
        wait_for "grep -q 'sidecar: guarding the container.s cgroup $REL/side (v1 memory.*host.s tree' $TMP/side.log" 10
wait_for "grep -q 'armed' $TMP/side.log" 5
for i in 1 2; do hog_race "live cgroupns" "--sidecar: hog $i in its own cgroup"; done
exit $((failures > 0))
