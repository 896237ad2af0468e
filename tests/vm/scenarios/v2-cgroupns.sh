#!/bin/bash
# vm: layout=v2 mem=512M swap=none timeout=300
# The node-wide guard in a cgroup namespace of its own on pure v2 (a
# DaemonSet under containerd or CRI-O: every container gets one) with
# the host's hierarchy mounted: oomguard is started by `unshare --cgroup`
# from a cgroup of its own, the mounts left as they are. In its namespace
# /proc/self/cgroup reads "0::/" and a sibling "0::/../x"; the policy is
# in host paths. Hogs in a sibling 128 MiB cgroup must be killed by
# oomguard before the kernel (the cgroup's memory.events oom_kill), a
# cgroup: matcher applied to a sibling's process and to none beside it.
# (tests/t-live-cgroupns.sh: the same on the hosts' v1 hierarchy.)
. "$(dirname "$0")/lib.sh"
name="v2 cgroupns" root=/sys/fs/cgroup top=/oomguard-vm trials=${TRIALS:-5}
mkdir -p $root$top && echo +memory >$root$top/cgroup.subtree_control &&
        mkdir -p $root$top/guard $root$top/hog $root$top/marked $root$top/plain &&
        echo 128M >$root$top/hog/memory.max || { not_ok "$name: create $root$top"; finish; }
oom_kills() { kv $root$top/hog/memory.events oom_kill; }
log=$TMP/guard.log conf=$TMP/conf
cat >"$conf" <<CONF
[daemon]
interval = 100ms
post_kill_delay = 100ms
max_kills_per_minute = 100
rescan_interval = 1s
[cgroup:vmtest]
path = $top/hog
usage_above = 90%
action = kill
[adjust:marked]
cgroup = $top/marked
oom_score_adj = 400
CONF
sh -c "echo \$\$ >$root$top/marked/cgroup.procs; exec sleep 600" & marked=$!
sh -c "echo \$\$ >$root$top/plain/cgroup.procs; exec sleep 600" & plain=$!
plain_adj=$(cat /proc/$plain/oom_score_adj) # the script's -1000, inherited
sh -c "echo \$\$ >$root$top/guard/cgroup.procs; exec unshare --cgroup $OOMGUARD -v -c $conf --log stderr" 2>"$log" &
OG_PID=$!
wait_for "grep -q guarding $log" 20 || { not_ok "$name: oomguard did not start: $(head -c 300 "$log")"; finish; }

view=$(nsenter -t $OG_PID -C cat /proc/$OG_PID/cgroup)
sib=$(nsenter -t $OG_PID -C cat /proc/$marked/cgroup)
mroot=$(nsenter -t $OG_PID -C cat /proc/$OG_PID/mountinfo | awk -v m=$root '$5 == m { print $4 }' | tail -n 1)
diag "in the guard's namespace: its cgroup $view, a sibling's $sib, the mount's root $mroot" \
        "$(grep -m1 'cgroup namespace' "$log")"
check "$name: the guard's namespace: itself at 0::/, a sibling at 0::/../marked, the mount from above" \
        [ "$view" = 0::/ -a "$sib" = 0::/../marked -a "$mroot" = /../.. ]
check "$name: it says where its namespace's root is in the mount" \
        grep -q "cgroup namespace: $root is mounted from above it; our namespace's root is $top/guard there" "$log"

wins=0
for i in $(seq "$trials"); do
        before=$(oom_kills)
        start_hog $root$top/hog/cgroup.procs "$TMP/hog.$i" 1024 0
        pid=$HOG_PID
        wait_gone "$pid" 60; rc=$RC
        if [ "$(oom_kills)" = "$before" ] && [ $rc = 137 ] && grep -q "kill pid $pid (hog)" "$log"; then
                wins=$((wins + 1))
        else
                diag "trial $i: hog exit $rc, kernel oom_kill $before -> $(oom_kills)," \
                        "  oomguard: $(grep "kill pid $pid \|$top/hog" "$log" | tail -n 2 | cut -c1-300)"
        fi
done
echo "# $name: $wins/$trials before kernel"
check "$name: $wins/$trials hogs in a sibling cgroup killed before the kernel (>= $((trials - 1)))" [ $wins -ge $((trials - 1)) ]
check "$name: a cgroup: matcher in host paths applies to the sibling" wait_for "[ \$(cat /proc/$marked/oom_score_adj) = 400 ]" 10
check "$name: and to nothing beside it" [ "$(cat /proc/$plain/oom_score_adj)" = "$plain_adj" ]
stop_guard
kill $marked $plain 2>/dev/null
remove_cgroups $root$top/guard $root$top/hog $root$top/marked $root$top/plain $root$top
finish
