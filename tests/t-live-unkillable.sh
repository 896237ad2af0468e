#!/bin/bash
# A victim that cannot die: frozen (the v1 freezer), so SIGKILL stays
# pending. oomguard must still get its memory back (process_mrelease
# reaps the address space of a process with a fatal signal pending),
# not hang on it (kill_timeout bounds the wait), and go on guarding: a
# second full-speed hog in the same cgroup is killed before the kernel.
# Acts only in the memory and freezer cgroups it creates.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory FZROOT=/sys/fs/cgroup/freezer
if [ "$(id -u)" != 0 ]; then skip "live unkillable: needs root to create cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ] || [ ! -d $FZROOT ]; then
        skip "live unkillable: no cgroup v1 memory and freezer controllers"; exit 0
fi
HOG=$(realpath "$B/helpers/hog")
REL=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup); REL=${REL%/}/oomguard-unkillable-$$
FREL=$(sed -n 's/^[0-9]*:freezer://p' /proc/self/cgroup); FREL=${FREL%/}/oomguard-unkillable-$$
CG=$MEMROOT$REL FZ=$FZROOT$FREL
TMP=$(mktemp -d)
og=
cleanup() {
        [ -n "$og" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null
        [ -d "$FZ" ] && echo THAWED > "$FZ/freezer.state"
        for d in "$CG" "$FZ"; do
                [ -d "$d" ] || continue
                for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$d/cgroup.procs"; done
        done
        wait 2>/dev/null
        for d in "$CG" "$FZ"; do [ -d "$d" ] && { wait_for "rmdir $d 2>/dev/null" 5 || echo "# could not remove $d"; }; done
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" "$FZ" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "live unkillable: create cgroups"; exit 1; }
usage_mib() { echo $(($(cat "$CG/memory.usage_in_bytes") / 1048576)); }
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }

# A holder of 160 MiB (62 % of the limit), frozen before oomguard starts.
sh -c "echo \$\$ > $CG/cgroup.procs; echo \$\$ > $FZ/cgroup.procs; exec $HOG 160 0 hold" > "$TMP/held" 2>/dev/null &
frozen=$!
wait_for "grep -q ready $TMP/held" 10 || { not_ok "live unkillable: the holder did not get its memory"; exit 1; }
echo FROZEN > "$FZ/freezer.state"
check "live unkillable: the holder is frozen" wait_for "grep -qx FROZEN $FZ/freezer.state" 5
before=$(usage_mib)
printf '[daemon]\ninterval = 100ms\npost_kill_delay = 500ms\nkill_timeout = 1s\nmax_kills_per_minute = 10\n[cgroup:test]\npath = %s\nusage_above = 50%%\naction = kill\n' \
        "$REL" > "$TMP/conf"
$OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log" &
og=$!
check "live unkillable: oomguard kills the frozen holder" wait_for "grep -q 'kill pid $frozen (hog)' $TMP/log" 5
check "live unkillable: its memory came back though it cannot exit ($before MiB -> $(usage_mib) MiB)" \
        wait_for "[ \$(usage_mib) -lt 40 ]" 5
diag "frozen victim: usage $before MiB -> $(usage_mib) MiB; $(grep -m1 "kill pid $frozen" "$TMP/log" | grep -o 'OOMGUARD_EXIT_MS=[^ ]*')"
check "live unkillable: the victim still exists (frozen, SIGKILL pending)" kill -0 "$frozen"
check "live unkillable: the guard runs on" kill -0 "$og"

# The guard goes on: a full-speed hog in the same cgroup, killed before the kernel.
kills=$(oom_kills)
sh -c "echo \$\$ > $CG/cgroup.procs; exec $HOG 1024" > /dev/null 2>&1 &
hog=$!
wait "$hog" 2>/dev/null; rc=$?
logged "$TMP/log" "kill pid $hog (hog)" 3
check "live unkillable: a second hog is killed by oomguard (exit $rc)" grep -q "kill pid $hog (hog)" "$TMP/log"
check "live unkillable: the kernel killed nothing (oom_kill $kills -> $(oom_kills))" [ "$(oom_kills)" = "$kills" ]
echo THAWED > "$FZ/freezer.state"
check "live unkillable: thawed, the victim dies of its pending SIGKILL" wait_for "! kill -0 $frozen 2>/dev/null" 5
exit $((failures > 0))
