#!/bin/bash
# vm: layout=v2 mem=512M swap=none timeout=400
# reclaim_first on pure v2 (memory.reclaim, Linux >= 5.19): a 128 MiB cgroup
# whose usage is active page cache (files of the 9p-shared /usr, cache=loose,
# read twice from inside it: /tmp is tmpfs, whose pages are shmem, not
# droppable cache) crosses its rule's 60 %; oomguard must reclaim it back
# under the rule without a kill (the sleeper in it lives, memory.max
# untouched, memory.events oom_kill 0, no restore file: v2 changes no
# limit). Then full-speed hogs (anonymous, not cache) must be killed before
# the kernel with no reclaim first.
. "$(dirname "$0")/lib.sh"
name="v2 reclaim first"
root=/sys/fs/cgroup
rel=/oomguard-vm/cache
cg=$root$rel
state=$TMP/run/restore
trials=${TRIALS:-5}
if [ ! -e /proc/self/cgroup ] || ! grep -q memory $root/cgroup.controllers; then
        skip "$name: no v2 memory controller"; finish
fi
mkdir -p $root/oomguard-vm && echo +memory >$root/oomguard-vm/cgroup.subtree_control
mkdir -p $cg && echo 128M >$cg/memory.max || { not_ok "$name: create $cg"; finish; }
if [ ! -e $cg/memory.reclaim ]; then skip "$name: no memory.reclaim (Linux < 5.19)"; remove_cgroups "$cg" "$root/oomguard-vm"; finish; fi
oom_kills() { kv $cg/memory.events oom_kill; }
ws() { echo $(( $(cat $cg/memory.current) - $(kv $cg/memory.stat inactive_file) )); }
log=$TMP/guard.log conf=$TMP/conf
cat >"$conf" <<CONF
[daemon]
interval = 100ms
post_kill_delay = 100ms
max_kills_per_minute = 100

[cgroup:vmtest]
path = $rel
usage_above = 60%
reclaim_first = yes
action = kill
CONF
# About 100 MiB of files under /usr (the biggest first, each under 16 MiB:
# one file larger than the cgroup streams through it, each page read once
# while resident, so nothing turns active; one directory: a walk of the
# whole 9p /usr/lib takes minutes), read twice.
files=$TMP/files
find /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -size +1M -size -16M -printf '%s %p\n' 2>/dev/null | sort -rn |
        awk '{ t += $1; print $2; if (t > 100 * 1048576) exit }' >"$files"
diag "cache from $(wc -l <"$files") files of /usr/lib"
sh -c "echo 0 >/proc/self/oom_score_adj; echo \$\$ >$cg/cgroup.procs; exec sleep 600" & # a victim a kill could take
sleeper=$!
start_guard "$conf" "$log" --restore-file "$state" || { not_ok "$name: oomguard did not start: $(head -c 300 "$log")"; finish; }
t0=$(now_s)
sh -c "echo \$\$ >$cg/cgroup.procs; xargs cat <$files >/dev/null; xargs cat <$files >/dev/null"
diag "filled in $(elapsed_ms "$t0" "$(now_s)") ms: memory.current $(cat $cg/memory.current)," \
        "file $(kv $cg/memory.stat file), active_file $(kv $cg/memory.stat active_file)"
check "$name: reclaimed, not killed" logged "$log" "under its thresholds, not killed" 20
ev=$(grep -m1 "under its thresholds, not killed" "$log")
diag "event: $(cut -c1-500 <<<"$ev")"
check "$name: the event says memory.reclaim" grep -q "memory.reclaim" <<<"$ev"
check "$name: not escalated" [ "$(field "$ev" ESCALATED)" = no ]
diag "reclaimed $(field "$ev" RECLAIMED_BYTES) bytes in $(field "$ev" RECLAIM_MS) ms"
check "$name: the sleeper lives" kill -0 $sleeper
check "$name: working set $(ws) under the rule's 60 %" [ "$(ws)" -lt $((128 * 1048576 * 60 / 100)) ]
check "$name: memory.max untouched" [ "$(cat $cg/memory.max)" = $((128 * 1048576)) ]
check "$name: no kill by oomguard" eval "! grep -q 'kill pid' $log"
check "$name: memory.events oom_kill 0" [ "$(oom_kills)" = 0 ]
check "$name: no restore file (v2 changes no limit)" eval "[ ! -s $state ] || ! grep -q limit_in_bytes $state"
kill $sleeper; wait $sleeper 2>/dev/null
stop_guard

# Anonymous hogs: not cache, killed at once.
sed -i 's/^usage_above = 60%$/usage_above = 90%/' "$conf"
start_guard "$conf" "$log.2" --restore-file "$state" || { not_ok "$name: oomguard did not start again"; finish; }
wins=0
for i in $(seq "$trials"); do
        before=$(oom_kills)
        start_hog $cg/cgroup.procs "$TMP/hog.$i" 1024 0
        pid=$HOG_PID
        wait_gone "$pid" 60; rc=$RC
        if [ "$(oom_kills)" = "$before" ] && [ $rc = 137 ] && grep -q "kill pid $pid (hog)" "$log.2"; then
                wins=$((wins + 1))
        else
                diag "trial $i: hog exit $rc, oom_kill $before -> $(oom_kills), oomguard: $(grep "kill pid $pid " "$log.2" | cut -c1-300)"
        fi
done
check "$name: hogs killed before the kernel $wins/$trials (>= $((trials - 1)))" [ $wins -ge $((trials - 1)) ]
check "$name: the hogs were not reclaimed first" eval "! grep -q OOMGUARD_RECLAIM $log.2"
stop_guard
remove_cgroups "$cg" "$root/oomguard-vm"
finish
