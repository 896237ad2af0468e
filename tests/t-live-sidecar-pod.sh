#!/bin/bash
# --sidecar=PROGRAM in an emulated pod (oomguard(8), SIDECAR): one pid
# namespace (`unshare --pid`, its PID 1 a shell in a "pause" cgroup, as a
# pod's pause container with shareProcessNamespace) and the v1 memory
# cgroups this test creates: pause, app (app2, app3: the app restarted,
# or twice), guard. The app and the guard
# each enter a cgroup namespace of their own and mount the memory
# hierarchy afresh, as containers on a cgroup-v2 node do: from the
# guard's namespace the app's /proc/PID/cgroup reads "/../app".
# `oomguard --sidecar=app` in the guard's container must find the app by
# its name (a process of that name in PID 1's cgroup is not it), kill the
# app's full-speed hogs before the kernel (the app cgroup's oom_kill is
# the judge), leave PID 1's cgroup alone, and follow the app when it is
# restarted in a new cgroup (app2), as a kubelet restarts a container.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live pod: needs root to create memory cgroups and namespaces"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live pod: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
if ! unshare --cgroup --mount --pid --fork --mount-proc true 2>/dev/null; then
        skip "live pod: unshare --cgroup --mount --pid cannot make namespaces here"; exit 0
fi
HOG=$(realpath "$B/helpers/hog")
OG=$(realpath "$OOMGUARD")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
POD=$MEMROOT${SELF%/}/oomguard-pod-$$
TMP=$(mktemp -d)
chmod 755 "$TMP"
RUNS=${OOMGUARD_POD_RUNS:-6}

kill_all() { [ -f "$1/cgroup.procs" ] && while read -r p; do kill -9 "$p" 2>/dev/null; done < "$1/cgroup.procs"; }
cleanup() {
        local d
        for _ in 1 2 3; do for d in "$POD"/*/; do kill_all "$d"; done; done
        wait 2>/dev/null
        for d in "$POD"/*/ "$POD"; do [ -d "$d" ] && ! wait_for "rmdir $d 2>/dev/null" 5 && echo "# could not remove $d"; done
        [ -n "${KEEP:-}" ] && echo "# kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$POD" "$POD/pause" "$POD/app" "$POD/app2" "$POD/app3" "$POD/guard" || { not_ok "live pod: create $POD"; exit 1; }
for c in pause app app2 app3; do echo 256M > "$POD/$c/memory.limit_in_bytes"; done
oom_kills() { sed -n 's/^oom_kill //p' "$POD/$1/memory.oom_control"; }

# The pod, run as its PID 1 in the pause cgroup.
cat > "$TMP/pod.sh" << 'EOF'
set -u
T=$1 OG=$2 HOG=$3 RUNS=$4 POD=$5
echo $$ > "$POD/pause/cgroup.procs"
oom_kills() { sed -n 's/^oom_kill //p' "$POD/$1/memory.oom_control"; }
# container CG CMD...: CMD in cgroup CG, in a cgroup namespace of its own
# with the memory hierarchy mounted afresh (its root is CG).
container() {
        local cg=$1; shift
        sh -c "echo \$\$ > $POD/$cg/cgroup.procs; exec unshare --cgroup --mount sh -c 'mount --make-rprivate /; \
                mount -t tmpfs tmpfs /sys/fs/cgroup; mkdir /sys/fs/cgroup/memory; \
                mount -t cgroup -o memory memory /sys/fs/cgroup/memory; exec \"\$0\" \"\$@\"' $*" &
}
# races CG N: N full-speed hogs in CG, one line each in $T/CG.runs:
# pid, exit status, the cgroup's oom_kill before and after.
races() {
        local cg=$1 n=$2 k0 pid rc
        for i in $(seq "$n"); do
                k0=$(oom_kills "$cg")
                sh -c "echo \$\$ > $POD/$cg/cgroup.procs; exec $HOG 1024" > /dev/null 2>&1 &
                pid=$!
                wait $pid 2> /dev/null; rc=$?
                echo "$pid $rc $k0 $(oom_kills "$cg")" >> "$T/$cg.runs"
                for _ in $(seq 40); do grep -q "kill pid $pid " "$T/guard.log" && break; sleep 0.05; done
        done
}
logged() { for _ in $(seq $((${2:-10} * 100))); do grep -q "$1" "$T/guard.log" 2>/dev/null && return 0; sleep 0.01; done; return 1; }
# Beside PID 1, in its cgroup: a process named like the app, at 94 % of
# that cgroup's limit. Not the app's, never a victim.
HOG_COMM=app "$HOG" 240 0 hold > "$T/neighbour.out" 2>&1 &
echo $! > "$T/neighbour.pid"
HOG_COMM=app container app "$HOG" 8 0 hold > "$T/app.out" 2>&1
for _ in $(seq 500); do grep -q ready "$T/app.out" && break; sleep 0.01; done
container guard "$OG" --sidecar=app --status > "$T/status.txt" 2>&1
wait $!
# Another uid than the app's (root here), no CAP_SYS_PTRACE: refused, said.
container guard setpriv --reuid=nobody --regid=nogroup --clear-groups "$OG" --sidecar=app > "$T/nobody.log" 2>&1
wait $!
echo $? > "$T/nobody.rc"
container guard "$OG" --sidecar=app 2> "$T/guard.log"
guard=$!
logged "info: armed:" || exit 3
races app "$RUNS"
# The app restarted in a new cgroup: the old container's processes end,
# a new one starts (a kubelet's restart; a new container id).
kill_all() { while read -r p; do kill -9 "$p" 2>/dev/null; done < "$POD/$1/cgroup.procs"; }
kill_all app
t0=$(date +%s%N)
HOG_COMM=app container app2 "$HOG" 8 0 hold > "$T/app2.out" 2>&1
logged "guarding the container of app again" 10 || exit 4
echo $(( ($(date +%s%N) - t0) / 1000000 )) > "$T/refound_ms"
races app2 3
# A restart loop inside the app: its shell runs the hog again each time
# a hog is killed. The built-in [supervisor:container] rule (its cgroup:
# matcher names the view "/../app2") makes the shell a supervisor, and
# supervisor_first kills it before its hog: the loop ends.
sh -c "echo \$\$ > $POD/app2/cgroup.procs; exec sh -c 'while true; do $HOG 1024 400 > /dev/null 2>&1; done'" &
loop=$!
echo $loop > "$T/loop.pid"
logged "OOMGUARD_SUPERVISOR_PID=$loop " 15
ended() { case $(awk '{ print $3 }' /proc/$loop/stat 2> /dev/null) in Z | "") return 0 ;; esac; return 1; } # dead or reaped
for _ in $(seq 40); do ended && break; sleep 0.05; done
ended && echo ended > "$T/loop.end" || echo running > "$T/loop.end"
kill -9 $loop 2> /dev/null; wait $loop 2> /dev/null
kill "$guard"; wait "$guard"
# kill-cgroup from beside it (-c): every process of the app's cgroup, by
# pidfd, checked to be the app's as /proc shows it ("/../app2").
printf '[daemon]\ninterval = 100ms\n[cgroup:app]\npath = /\nusage_above = 40%%\naction = kill-cgroup\n' > "$T/kc.conf"
container guard "$OG" --sidecar=app -c "$T/kc.conf" 2> "$T/kc.log"
kc=$!
for _ in $(seq 500); do grep -q "info: armed:" "$T/kc.log" && break; sleep 0.01; done
sh -c "echo \$\$ > $POD/app2/cgroup.procs; exec $HOG 60 0 hold" > /dev/null 2>&1 &
h1=$!
sh -c "echo \$\$ > $POD/app2/cgroup.procs; exec $HOG 60 0 hold" > /dev/null 2>&1 &
h2=$!
for _ in $(seq 200); do kill -0 $h1 2> /dev/null || kill -0 $h2 2> /dev/null || break; sleep 0.05; done
kill -9 $h1 $h2 2> /dev/null
wait $h1; echo $? > "$T/kc.rc"
wait $h2; echo $? >> "$T/kc.rc"
kill "$kc"; wait "$kc"
# The restore file across the app's processes (oom_handler: v1's opt-in
# write, listed with the anchor's identity): another process of the app
# in the same container takes over when the anchor exits, and the entry
# with it; when none is left, it goes back through the container's mount
# though a sleeper keeps the cgroup (not the app's name: nothing to follow).
printf '[daemon]\ninterval = 100ms\n[cgroup:app]\npath = /\noom_handler = yes\naction = kill\n' > "$T/oh.conf"
sh -c "echo \$\$ > $POD/app2/cgroup.procs; exec sleep 60" &
keeper=$!
HOG_COMM=app container app2 "$HOG" 8 0 hold > "$T/oh.a.out" 2>&1 # kill-cgroup emptied it
anchor=$!
echo "$anchor" > "$T/oh.anchor"
for _ in $(seq 500); do grep -q ready "$T/oh.a.out" && break; sleep 0.01; done
container guard "$OG" --sidecar=app -c "$T/oh.conf" --restore-file "$T/oh.restore" 2> "$T/oh.log"
oh=$!
for _ in $(seq 500); do grep -q "info: armed:" "$T/oh.log" && break; sleep 0.01; done
for _ in $(seq 100); do grep -q "^oom_kill_disable 1" "$POD/app2/memory.oom_control" && break; sleep 0.05; done
cp "$T/oh.restore" "$T/oh.restore.1" 2> /dev/null
grep "^oom_kill_disable" "$POD/app2/memory.oom_control" > "$T/oh.disable.1"
sh -c "echo \$\$ > $POD/app2/cgroup.procs; HOG_COMM=app exec nsenter -t $anchor -m -C $HOG 8 0 hold" > "$T/oh.b.out" 2>&1 &
b=$!
echo $b > "$T/oh.b"
for _ in $(seq 500); do grep -q ready "$T/oh.b.out" && break; sleep 0.01; done
kill -9 "$anchor"
for _ in $(seq 100); do grep -q "@$b:" "$T/oh.restore" 2> /dev/null && break; sleep 0.05; done
sleep 0.3 # a tick or two: the entry stays there
cp "$T/oh.restore" "$T/oh.restore.2" 2> /dev/null
grep "^oom_kill_disable" "$POD/app2/memory.oom_control" > "$T/oh.disable.2"
kill -9 "$b"
for _ in $(seq 100); do grep -q "^oom_kill_disable 0" "$POD/app2/memory.oom_control" && break; sleep 0.05; done
sleep 0.3
grep "^oom_kill_disable" "$POD/app2/memory.oom_control" > "$T/oh.disable.3"
kill "$oh"; wait "$oh"
# A reload before the tick that would see the anchor's exit (the exit
# and the SIGHUP in one wait): the daemon is held in reading its file (a
# FIFO) while the anchor is killed and reaped, so its /proc/PID/root is
# gone when the reload puts back; the entry goes through the container's
# mount, held.
HOG_COMM=app container app2 "$HOG" 8 0 hold > "$T/st.a.out" 2>&1
sa=$!
echo "$sa" > "$T/st.anchor"
for _ in $(seq 500); do grep -q ready "$T/st.a.out" && break; sleep 0.01; done
cp "$T/oh.conf" "$T/st.conf"
container guard "$OG" --sidecar=app -c "$T/st.conf" --restore-file "$T/st.restore" 2> "$T/st.log"
st=$!
for _ in $(seq 500); do grep -q "info: armed:" "$T/st.log" && break; sleep 0.01; done
for _ in $(seq 100); do grep -q "^oom_kill_disable 1" "$POD/app2/memory.oom_control" && break; sleep 0.05; done
grep "^oom_kill_disable" "$POD/app2/memory.oom_control" > "$T/st.disable.1"
rm "$T/st.conf"; mkfifo "$T/st.conf"
exec 9<> "$T/st.conf" # read-write: never blocks, and the daemon's read waits for our data
kill -HUP "$st"
held=no # the daemon opened it: it waits in the read now
# (These loops end as soon as what they wait for is there: 5 s deadlines
# for a sanitized guard on a loaded machine, where it takes milliseconds.)
for _ in $(seq 500); do ls -l /proc/$st/fd 2> /dev/null | grep -q "st.conf" && held=yes && break; sleep 0.01; done
echo $held > "$T/st.held"
kill -9 "$sa"; wait "$sa" # reaped: /proc/$sa is gone
cat "$T/oh.conf" >&9; exec 9>&-
for _ in $(seq 500); do grep -q "reloaded" "$T/st.log" && break; sleep 0.01; done
grep "^oom_kill_disable" "$POD/app2/memory.oom_control" > "$T/st.disable.2"
kill "$st"; wait "$st"
# The anchor exits while its program runs in two other containers: no
# single one to follow, so its entry is put back, and the log says why.
HOG_COMM=app container app2 "$HOG" 8 0 hold > "$T/nu.a.out" 2>&1
na=$!
echo "$na" > "$T/nu.anchor"
for _ in $(seq 500); do grep -q ready "$T/nu.a.out" && break; sleep 0.01; done
container guard "$OG" --sidecar=app -c "$T/oh.conf" --restore-file "$T/nu.restore" 2> "$T/nu.log"
nu=$!
for _ in $(seq 500); do grep -q "info: armed:" "$T/nu.log" && break; sleep 0.01; done
for _ in $(seq 100); do grep -q "^oom_kill_disable 1" "$POD/app2/memory.oom_control" && break; sleep 0.05; done
grep "^oom_kill_disable" "$POD/app2/memory.oom_control" > "$T/nu.disable.1"
for c in app app3; do sh -c "echo \$\$ > $POD/$c/cgroup.procs; HOG_COMM=app exec $HOG 8 0 hold" > "$T/nu.$c.out" 2>&1 & done
for c in app app3; do for _ in $(seq 500); do grep -q ready "$T/nu.$c.out" && break; sleep 0.01; done; done
kill -9 "$na"; wait "$na"
for _ in $(seq 500); do grep -q "exited, and app runs in two containers" "$T/nu.log" && break; sleep 0.01; done
grep "^oom_kill_disable" "$POD/app2/memory.oom_control" > "$T/nu.disable.2"
kill "$nu"; wait "$nu"
kill_all app; kill_all app3
kill "$keeper"
kill -0 "$(cat "$T/neighbour.pid")" && echo alive > "$T/neighbour.end"
kill "$(cat "$T/neighbour.pid")"
EOF

before_app=$(oom_kills app) before_app2=$(oom_kills app2)
timeout 60 unshare --pid --fork --mount-proc sh "$TMP/pod.sh" "$TMP" "$OG" "$HOG" "$RUNS" "$POD"
rc=$?
check "live pod: the pod script ran (exit $rc)" [ $rc = 0 ]
# wins CG: how many of $TMP/CG.runs oomguard won (SIGKILL, the kernel's
# counter unmoved, the kill in its log).
wins() {
        local n=0 pid status k0 k1
        [ -f "$TMP/$1.runs" ] || { echo 0; return; }
        while read -r pid status k0 k1; do
                if [ "$status" = 137 ] && [ "$k0" = "$k1" ] && grep -q "kill pid $pid (hog)" "$TMP/guard.log"; then
                        n=$((n + 1))
                else
                        diag "$1: pid $pid exit $status, kernel oom_kill $k0 -> $k1" >&2
                fi
        done < "$TMP/$1.runs"
        echo $n
}
grep -E "sidecar|guarding|armed" "$TMP/guard.log" | sed 's/^/# /'
check "live pod: the app found by its name, its cgroup seen as a sibling's" \
        grep -q "sidecar: guarding the container of app (pid [0-9]*): cgroup /\.\./app (our view; ours: /, PID 1's: /\.\./pause)" "$TMP/guard.log"
check "live pod: the app's own limit" grep -q "guarding the container of app .*limit 256.0MiB, built-in sidecar policy" "$TMP/guard.log"
check "live pod: --sidecar=app --status shows the app's cgroup and limit" \
        grep -q "^sidecar: container cgroup / (as /proc shows it: /\.\./app), limit 256.0MiB" "$TMP/status.txt"
check "live pod: as another uid, refused at start (exit $(cat "$TMP/nobody.rc"))" [ "$(cat "$TMP/nobody.rc")" = 1 ]
check "live pod: as another uid, says why" \
        grep -q "sidecar: cannot read the cgroups of app (pid [0-9]*) through /proc/[0-9]*/root: Permission denied: oomguard needs its uid and every capability it has, or CAP_SYS_PTRACE" "$TMP/nobody.log"
check "live pod: the app's cgroup watched, woken by a v1 usage threshold" \
        grep -q "armed: 1 cgroups watched, 1 usage thresholds" "$TMP/guard.log"
w=$(wins app)
diag "pod: $w/$RUNS full-speed hogs in the app killed by oomguard; kernel oom_kill $before_app -> $(oom_kills app)"
check "live pod: the app's full-speed hogs killed by oomguard from the other container: $w/$RUNS" [ "$w" = "$RUNS" ]
check "live pod: the app's kernel oom_kill unchanged" [ "$(oom_kills app)" = "$before_app" ]
ms=$(cat "$TMP/refound_ms" 2>/dev/null)
diag "pod: the restarted app found $ms ms after the old one was killed"
check "live pod: the restarted app followed into its new cgroup" \
        grep -q "guarding the container of app again: pid [0-9]*, cgroup /\.\./app2, limit 256.0MiB" "$TMP/guard.log"
w=$(wins app2)
check "live pod: the restarted app's hogs killed first: $w/3" [ "$w" = 3 ]
check "live pod: the restarted app's kernel oom_kill unchanged" [ "$(oom_kills app2)" = "$before_app2" ]
others=$(grep 'kill pid' "$TMP/guard.log" | grep -v 'kill pid [0-9]* (hog)')
[ -n "$others" ] && diag "$others"
check "live pod: a restart loop in the app: its shell killed first, as its hog's supervisor" \
        grep -q "OOMGUARD_SUPERVISOR_PID=$(cat "$TMP/loop.pid") OOMGUARD_SUPERVISOR_COMM=sh .*OOMGUARD_OUTCOME=killed supervisor and workers" "$TMP/guard.log"
check "live pod: the loop is over ($(cat "$TMP/loop.end"))" [ "$(cat "$TMP/loop.end")" = ended ]
check "live pod: no kill but of a hog (PID 1, the neighbour named app, the guard's container untouched)" [ -z "$others" ]
check "live pod: the neighbour in PID 1's cgroup lived to the end" grep -q alive "$TMP/neighbour.end"
grep 'kill-cgroup' "$TMP/kc.log" | head -n 2 | cut -c1-300 | sed 's/^/# /'
check "live pod: -c kill-cgroup emptied the app's cgroup from beside it (exits $(tr '\n' ' ' < "$TMP/kc.rc"))" \
        sh -c "[ \"\$(tr '\n' ' ' < $TMP/kc.rc)\" = '137 137 ' ] && grep -q 'kill-cgroup: rule app on /: .*cgroup emptied' $TMP/kc.log"
check "live pod: and nothing outside it (PID 1's cgroup, the neighbour named app)" \
        sh -c "! grep -q 'kill pid' $TMP/kc.log && grep -q alive $TMP/neighbour.end"
check "live pod: PID 1's cgroup's kernel oom_kill is 0" [ "$(oom_kills pause)" = 0 ]
a=$(cat "$TMP/oh.anchor" 2>/dev/null) b=$(cat "$TMP/oh.b" 2>/dev/null)
grep -E "restor|sidecar: app" "$TMP/oh.log" | cut -c1-300 | sed 's/^/# /'
diag "restore file: $(cat "$TMP/oh.restore.1" 2>/dev/null | tr '\n' ' ')" "then: $(cat "$TMP/oh.restore.2" 2>/dev/null | tr '\n' ' ')" \
        "oom_kill_disable: $(cat "$TMP"/oh.disable.* 2>/dev/null | tr '\n' ' ')"
check "live pod: oom_handler's entry names the anchor (pid $a) and its start time" \
        grep -q "^oom_kill_disable 0 1 @$a:[0-9]* /proc/$a/root/sys/fs/cgroup/memory//memory.oom_control$" "$TMP/oh.restore.1"
check "live pod: the anchor killed, pid $b of the same cgroup takes its entry over" \
        grep -q "^oom_kill_disable 0 1 @$b:[0-9]* /proc/$b/root/sys/fs/cgroup/memory//memory.oom_control$" "$TMP/oh.restore.2"
check "live pod: oom_kill_disable stays 1 meanwhile" grep -qx "oom_kill_disable 1" "$TMP/oh.disable.2"
check "live pod: the last app process gone, the cgroup still there: oom_kill_disable put back (0)" \
        grep -qx "oom_kill_disable 0" "$TMP/oh.disable.3"
check "live pod: said so" grep -q "restored oom_kill_disable = 0 in /proc/$b/root/sys/fs/cgroup/memory//memory.oom_control (the app exited)" "$TMP/oh.log"
sa=$(cat "$TMP/st.anchor" 2>/dev/null)
grep -E "restor|sidecar: app" "$TMP/st.log" | cut -c1-300 | sed 's/^/# /'
check "live pod: the reload's daemon held the FIFO before the anchor was killed" grep -qx yes "$TMP/st.held"
check "live pod: a reload with the anchor's exit unseen: $(cat "$TMP/st.disable.1" 2>/dev/null), then put back (0)" \
        sh -c "grep -qx 'oom_kill_disable 1' $TMP/st.disable.1 && grep -qx 'oom_kill_disable 0' $TMP/st.disable.2"
check "live pod: through the held mount, said so" \
        grep -q "restored oom_kill_disable = 0 in /proc/$sa/root/sys/fs/cgroup/memory//memory.oom_control (reload)" "$TMP/st.log"
na=$(cat "$TMP/nu.anchor" 2>/dev/null)
grep -E "restor|sidecar: app" "$TMP/nu.log" | cut -c1-300 | sed 's/^/# /'
check "live pod: the anchor gone, app in two other containers: $(cat "$TMP/nu.disable.1" 2>/dev/null), then put back (0)" \
        sh -c "grep -qx 'oom_kill_disable 1' $TMP/nu.disable.1 && grep -qx 'oom_kill_disable 0' $TMP/nu.disable.2"
check "live pod: said why (two containers), not just that it exited" sh -c \
        "grep -q 'restored oom_kill_disable = 0 in /proc/$na/root/sys/fs/cgroup/memory//memory.oom_control (the app exited, and its program runs in two containers now)' $TMP/nu.log && grep -q 'sidecar: app (pid $na) exited, and app runs in two containers now' $TMP/nu.log"
exit $((failures > 0))
