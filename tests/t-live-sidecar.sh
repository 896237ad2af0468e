#!/bin/bash
# Sidecar mode in an emulated container (oomguard(8), SIDECAR): a limited
# v1 memory cgroup this test creates (and a cgroup2 twin), entered with
# `unshare --cgroup --mount --pid --fork --mount-proc`, the memory and
# cgroup2 hierarchies mounted afresh inside, so that /proc/self/cgroup
# says "memory:/" and /sys/fs/cgroup/memory is the container's own, as in
# a container with a cgroup namespace. Inside: `oomguard --sidecar`
# without a policy file; full-speed hogs killed before the kernel (the
# cgroup's oom_kill counter, read from outside, is the judge); a hog in a
# sibling cgroup outside the container never touched; --status shows the
# container's limit; then auto-detection (no option at all) and an
# unprivileged run (nobody), which must say what it cannot do.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
UNIROOT=/sys/fs/cgroup/unified
if [ "$(id -u)" != 0 ]; then skip "live sidecar: needs root to create memory cgroups and namespaces"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live sidecar: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
if ! unshare --cgroup --mount --pid --fork --mount-proc true 2>/dev/null; then
        skip "live sidecar: unshare --cgroup --mount --pid cannot make namespaces here"; exit 0
fi
HOG=$(realpath "$B/helpers/hog")
OG=$(realpath "$OOMGUARD")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
CG=$MEMROOT${SELF%/}/oomguard-sidecar-$$
SIB=$MEMROOT${SELF%/}/oomguard-sidecar-sib-$$
CG2=
if grep -q " $UNIROOT cgroup2 " /proc/self/mounts; then
        CG2=$UNIROOT$(sed -n 's/^0:://p' /proc/self/cgroup | sed 's|/$||')/oomguard-sidecar-$$
fi
TMP=$(mktemp -d)
chmod 755 "$TMP"
RUNS=${OOMGUARD_SIDECAR_RUNS:-8} # the built-in kill cap is 10 a minute

kill_all() { [ -f "$1/cgroup.procs" ] && while read -r p; do kill -9 "$p" 2>/dev/null; done < "$1/cgroup.procs"; }
cleanup() {
        for _ in 1 2 3; do kill_all "$CG"; kill_all "$SIB"; [ -n "$CG2" ] && kill_all "$CG2"; done
        wait 2>/dev/null
        for d in "$CG" "$SIB" $CG2; do [ -d "$d" ] && ! wait_for "rmdir $d 2>/dev/null" 5 && echo "# could not remove $d"; done
        [ -n "${KEEP:-}" ] && echo "# kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" "$SIB" && echo 256M > "$CG/memory.limit_in_bytes" && echo 256M > "$SIB/memory.limit_in_bytes" ||
        { not_ok "live sidecar: create $CG"; exit 1; }
[ -n "$CG2" ] && { mkdir "$CG2" || CG2=; }
oom_kills() { sed -n 's/^oom_kill //p' "$1/memory.oom_control"; }

# Outside the container: a 150 MiB sleeper in the sibling cgroup, and a
# second one in our own test's cgroup (the container's parent).
sh -c "echo \$\$ > $SIB/cgroup.procs; exec $HOG 150 0 hold" > "$TMP/sib.out" 2>&1 &
sib=$!
wait_for "grep -q ready $TMP/sib.out 2>/dev/null" 10 || not_ok "live sidecar: the sibling's sleeper did not start"

# The container's script: fresh hierarchies, then what $1 says.
cat > "$TMP/inside.sh" << 'EOF'
set -u
T=$1 OG=$2 HOG=$3 RUNS=$4 WHAT=$5 CG=$6
mount --make-rprivate /
if [ "$WHAT" = runc ]; then # no cgroup namespace: a bind mount of our directory, as runc makes it
        mkdir "$T/bind" && mount --bind "$CG" "$T/bind"
        mount -t tmpfs tmpfs /sys/fs/cgroup
        mkdir /sys/fs/cgroup/memory && mount --move "$T/bind" /sys/fs/cgroup/memory
else
        mount -t tmpfs tmpfs /sys/fs/cgroup
        mkdir /sys/fs/cgroup/memory /sys/fs/cgroup/unified
        mount -t cgroup -o memory memory /sys/fs/cgroup/memory
        mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified 2>/dev/null
fi
grep -E '^[0-9]+:memory:' /proc/self/cgroup > "$T/$WHAT.cgroup"
cat /sys/fs/cgroup/memory/memory.limit_in_bytes > "$T/$WHAT.limit"
oom_kills() { sed -n 's/^oom_kill //p' /sys/fs/cgroup/memory/memory.oom_control; }
# hog_runs LOG N ARGS...: N hogs (ARGS after the hog's own), one line each
# in $T/$WHAT.runs: pid, exit status, the cgroup's oom_kill before and after.
hog_runs() {
        local log=$1 n=$2 k0 pid rc; shift 2
        for i in $(seq "$n"); do
                k0=$(oom_kills)
                "$@" > /dev/null 2>&1 &
                pid=$!
                wait $pid; rc=$?
                echo "$pid $rc $k0 $(oom_kills)" >> "$T/$WHAT.runs"
                for _ in $(seq 40); do grep -q "kill pid $pid " "$log" && break; sleep 0.05; done
        done
}
start() { # start LOG ARGS...: the guard, until its wakeups are armed (or 10 s)
        local log=$1; shift
        "$@" 2> "$log" &
        og=$!
        for _ in $(seq 1000); do grep -q "info: armed:" "$log" 2>/dev/null && return 0; sleep 0.01; done
        return 1
}
case $WHAT in
kill)
        "$OG" --sidecar --status > "$T/status.txt" 2> "$T/status.err"
        "$OG" --sidecar --status --json > "$T/status.json" 2>> "$T/status.err"
        u0=$(cat /sys/fs/cgroup/memory/memory.usage_in_bytes) t0=$(date +%s%N)
        start "$T/kill.log" "$OG" --sidecar || exit 3
        t1=$(date +%s%N)
        sleep 0.5
        u1=$(cat /sys/fs/cgroup/memory/memory.usage_in_bytes)
        hog_runs "$T/kill.log" "$RUNS" "$HOG" 1024
        # What the guard costs the container (its pages are charged to
        # it): after the kills, which touched the kill path.
        hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$og/status)
        echo "$(( (t1 - t0) / 1000000 )) $hwm $(( (u1 - u0) / 1024 ))" > "$T/cost"
        kill $og; wait $og ;;
runc)
        grep -E '^[0-9]+:memory:' /proc/self/cgroup > "$T/runc.cgroup"
        "$OG" --sidecar --status > "$T/runc.status" 2>&1
        start "$T/runc.log" "$OG" --sidecar || exit 3
        hog_runs "$T/runc.log" 3 "$HOG" 1024
        kill $og; wait $og
        # runc's default: the cgroup mount read-only.
        mount -o remount,bind,ro /sys/fs/cgroup/memory &&
                start "$T/runc-ro.log" "$OG" --sidecar --ticks 2 && wait $og ;;
file) # -c: confined to the container
        start "$T/file.log" "$OG" --sidecar -c "$T/psi.conf" --ticks 3; wait $og ;;
auto)
        [ -e /etc/oomguard.conf ] && { echo present > "$T/auto.skip"; exit 0; }
        start "$T/auto.log" "$OG" --ticks 2; wait $og ;;
nobody)
        nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
        start "$T/nobody.log" $nobody "$OG" --sidecar || exit 3
        # No usage-threshold wakeup: the poll (10 ms near the limit) must
        # still catch a leak of 100 MiB/s, the leaker nobody's too.
        hog_runs "$T/nobody.log" 2 $nobody "$HOG" 1024 100
        kill $og; wait $og ;;
esac
EOF
# in_container WHAT: the script above in the container, as its PID 1.
in_container() {
        local join="echo \$\$ > $CG/cgroup.procs"
        [ -n "$CG2" ] && join="$join; echo \$\$ > $CG2/cgroup.procs"
        local ns=--cgroup
        [ "$1" = runc ] && ns=
        timeout 40 sh -c "$join; exec unshare $ns --mount --pid --fork --mount-proc sh $TMP/inside.sh $TMP $OG $HOG $RUNS $1 $CG"
}

# 1. --sidecar, no policy file: full-speed hogs, oomguard first.
before=$(oom_kills "$CG")
in_container kill; rc=$?
check "live sidecar: the container script ran (exit $rc)" [ $rc = 0 ]
check "live sidecar: /proc/self/cgroup inside says memory:/" grep -qx '[0-9]*:memory:/' "$TMP/kill.cgroup"
check "live sidecar: the container's memory.limit_in_bytes is its limit" grep -qx 268435456 "$TMP/kill.limit"
# wins WHAT: how many of $TMP/WHAT.runs oomguard won (killed, the
# kernel's counter unmoved, the kill in its log).
wins() {
        local n=0 pid status k0 k1
        while read -r pid status k0 k1; do
                if [ "$status" = 137 ] && [ "$k0" = "$k1" ] && grep -q "kill pid $pid (hog)" "$TMP/$1.log"; then
                        n=$((n + 1))
                else
                        diag "$1: pid $pid exit $status, kernel oom_kill $k0 -> $k1" >&2
                fi
        done < "$TMP/$1.runs"
        echo $n
}
wins=$(wins kill)
diag "sidecar: $wins/$RUNS full-speed hogs killed by oomguard; kernel oom_kill $before -> $(oom_kills "$CG")"
check "live sidecar: full-speed hog killed by oomguard in $wins/$RUNS" [ "$wins" = "$RUNS" ]
check "live sidecar: the container's kernel oom_kill unchanged" [ "$(oom_kills "$CG")" = "$before" ]
read -r startup_ms rss_kib charge_kib < "$TMP/cost"
diag "sidecar: start-up to armed ${startup_ms} ms, VmHWM ${rss_kib} KiB after the kills, the container's charge +${charge_kib} KiB (its pages and kernel memory; the binary was read in by --status before)"
rss_max=16384 # KiB; the sanitizers' shadow memory and quarantine take more
ldd "$OG" | grep -q libasan && rss_max=65536
check "live sidecar: the guard's peak RSS is under $((rss_max / 1024)) MiB (${rss_kib} KiB)" [ "${rss_kib:-99999}" -lt $rss_max ]
check "live sidecar: the sibling's sleeper outside the container untouched" kill -0 $sib
check "live sidecar: the sibling's kernel oom_kill is 0" [ "$(oom_kills "$SIB")" = 0 ]
others=$(grep 'kill pid' "$TMP/kill.log" | grep -v 'kill pid [0-9]* (hog)')
[ -n "$others" ] && diag "$others"
check "live sidecar: no kill but of a hog" [ -z "$others" ]
check "live sidecar: start-up names the container's cgroup and its limit" \
        grep -q "sidecar: guarding the container's cgroup / (v1 memory, /proc/self/cgroup: /.*limit 256.0MiB, built-in sidecar policy" "$TMP/kill.log"
# What root lacks depends on the machine (no CAP_SYS_RESOURCE in some
# sandboxes): one line each, then the count, or that nothing is missing.
check "live sidecar: start-up says what it cannot do" \
        grep -qE "sidecar: (every kernel interface oomguard uses is available here|[0-9]+ things? above cannot be done here)" "$TMP/kill.log"
check "live sidecar: start-up says the container's PID 1 cannot be a victim" \
        grep -q "sidecar: PID 1 (sh) is in the container and is never oomguard's victim" "$TMP/kill.log"
check "live sidecar: no [global] rule" grep -q "guarding: 1 cgroup rules, 1 cgroups watched, \[global\] off" "$TMP/kill.log"
check "live sidecar: woken by the v1 usage threshold" grep -q "OOMGUARD_WAKEUP=v1 usage threshold on /" "$TMP/kill.log"
check "live sidecar: --status shows the container's limit" \
        grep -q "^sidecar: container cgroup / (as /proc shows it: /), limit 256.0MiB" "$TMP/status.txt"
check "live sidecar: --status --json has the limit" grep -q '"sidecar":{"cgroup":"/","proc_cgroup":"/","limit_bytes":268435456}' "$TMP/status.json"
check "live sidecar: --status lists the container, not the sibling" \
        sh -c "grep -q '^policy: built-in sidecar policy' $TMP/status.txt && ! grep -q oomguard-sidecar-sib $TMP/status.txt"
grep -E "sidecar|guarding" "$TMP/kill.log" | head -20 | sed 's/^/# /'

# 2. No option, no policy file: chosen on its own, and it says why.
in_container auto
if [ -f "$TMP/auto.skip" ]; then
        skip "live sidecar: auto-detection: /etc/oomguard.conf exists here (it is chosen only without one)"
else
        check "live sidecar: chosen on its own, and says why" \
                grep -q "sidecar mode chosen on its own: no -c and no /etc/oomguard.conf, and our memory cgroup is the root" "$TMP/auto.log"
        check "live sidecar: auto mode guards the container" grep -q "guarding: 1 cgroup rules, 1 cgroups watched" "$TMP/auto.log"
fi

# 3. -c FILE: [global] and [adjust:] dropped (each said, with its
#    line), the [cgroup:] rule on our cgroup, its PSI trigger armed
#    (with a 2 s window when the kernel wants one: no CAP_SYS_RESOURCE).
printf '[global]\nmem_available_below = 5%%\naction = kill\n[adjust:x]\nmatch = comm:^x$\noom_score_adj = 500\n[cgroup:c]\npath = /\npsi_some_avg10_above = 10\naction = warn\n' > "$TMP/psi.conf"
in_container file
check "live sidecar: -c: [global] ignored, with its line" grep -q "sidecar: $TMP/psi.conf:1: \[global\] ignored" "$TMP/file.log"
check "live sidecar: -c: [adjust:] ignored" grep -q "sidecar: $TMP/psi.conf: 1 \[adjust:\] rules ignored" "$TMP/file.log"
check "live sidecar: -c: only the container's rule" grep -q "guarding: 1 cgroup rules, 1 cgroups watched, \[global\] off, 0 supervisor and 0 adjust rules" "$TMP/file.log"
if [ -n "$CG2" ]; then
        check "live sidecar: -c: the container's PSI trigger armed" grep -q "armed: 1 cgroups watched, .* 1 PSI triggers" "$TMP/file.log"
        if [ $(( 0x$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status) >> 24 & 1 )) = 0 ]; then
                check "live sidecar: -c: says PSI windows are 2 s without CAP_SYS_RESOURCE" grep -q "sidecar: PSI triggers use 2 s windows" "$TMP/file.log"
        fi
fi

# 4. runc's layout: no cgroup namespace, /proc/self/cgroup shows the
#    host's path, /sys/fs/cgroup/memory a bind mount of our directory.
before=$(oom_kills "$CG")
in_container runc
check "live sidecar: runc layout: /proc/self/cgroup shows the host's path" grep -q "memory:${CG#$MEMROOT}\$" "$TMP/runc.cgroup"
check "live sidecar: runc layout: our cgroup is the mount's root" \
        grep -q "guarding the container's cgroup / (v1 memory, /proc/self/cgroup: ${CG#$MEMROOT}, found by /proc/self/cgroup below the mount's root), limit 256.0MiB" "$TMP/runc.log"
check "live sidecar: runc layout: --status shows the container's limit" grep -q "^sidecar: container cgroup / .*limit 256.0MiB" "$TMP/runc.status"
wins=$(wins runc)
check "live sidecar: runc layout: full-speed hog killed by oomguard in $wins/3" [ "$wins" = 3 ]
check "live sidecar: runc layout: kernel oom_kill unchanged" [ "$(oom_kills "$CG")" = "$before" ]
check "live sidecar: runc layout, read-only cgroup mount: says it polls" \
        grep -q "sidecar: cannot register usage-threshold wakeups (cgroup.event_control: Read-only file system)" "$TMP/runc-ro.log"

# 5. Unprivileged (nobody, no capabilities): it starts and says what it
#    cannot do, one line each, once; it still kills a leak it can see.
before=$(oom_kills "$CG")
in_container nobody
check "live sidecar: unprivileged run starts" grep -q "guarding: 1 cgroup rules, 1 cgroups watched" "$TMP/nobody.log"
for what in "usage-threshold wakeups" "no proc connector" "CAP_KILL" "lock its memory" "oom_score_adj" "/dev/kmsg"; do
        check "live sidecar: unprivileged: says once: $what" [ "$(grep -c "sidecar: .*$what" "$TMP/nobody.log")" = 1 ]
done
check "live sidecar: unprivileged: the mechanisms do not say it again" \
        sh -c "! grep -qE 'mlockall failed|cannot set own oom_score_adj|cannot arm a usage threshold|kernel OOM kills are not recorded' $TMP/nobody.log"
grep "sidecar" "$TMP/nobody.log" | sed 's/^/# /'
wins=$(wins nobody)
check "live sidecar: unprivileged: a 100 MiB/s leak killed by the poll in $wins/2" [ "$wins" = 2 ]
check "live sidecar: unprivileged: kernel oom_kill unchanged" [ "$(oom_kills "$CG")" = "$before" ]
check "live sidecar: the sibling's sleeper still untouched at the end" kill -0 $sib
kill $sib 2>/dev/null
exit $((failures > 0))
