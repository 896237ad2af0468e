#!/bin/bash
# oomguard as PID 1 of a PID namespace, as the image's entrypoint runs
# under `docker run` without --init (oomguard(8), PID 1): made with
# `unshare --pid --fork --mount-proc`, oomguard exec'd as its PID 1 with
# a warn rule on a v1 memory cgroup this test creates and a hook that
# double-forks. Orphans reparented to it (the hook's grandchildren, and
# processes left by `nsenter`, as a runtime's exec leaves them) must be
# reaped within a deadline (their /proc entry gone, no zombie left in the
# namespace), while its own children's exit statuses stay its own: the
# hook's status is still reported by the runner, and a killed hook
# runner is still reported by the guard. PID 1 gets only the signals it
# handles: SIGHUP from inside the namespace reloads, SIGINT from inside
# and SIGTERM from outside (docker stop) stop it cleanly.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live pid1: needs root to create memory cgroups and namespaces"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live pid1: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
if ! unshare --pid --fork --mount-proc true 2>/dev/null; then
        skip "live pid1: unshare --pid --fork --mount-proc cannot make namespaces here"; exit 0
fi
HOG=$(realpath "$B/helpers/hog")
OG=$(realpath "$OOMGUARD")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-pid1-$$
CG=$MEMROOT$REL
# The hook must sit where only root can write (a root oomguard refuses
# one under /tmp).
D=$(mktemp -d /run/oomguard-t-pid1.XXXXXX)
stop_ns() { [ -n "${us:-}" ] && kill -9 "$us" ${og:-} 2>/dev/null; wait "$us" 2>/dev/null; us= og=; }
cleanup() {
        stop_ns
        [ -n "${holder:-}" ] && kill -9 "$holder" 2>/dev/null
        wait 2>/dev/null
        [ -d "$CG" ] && ! wait_for "rmdir $CG 2>/dev/null" 5 && echo "# could not remove $CG"
        [ -n "${KEEP:-}" ] && echo "# kept $D" || rm -rf "$D"
}
trap cleanup EXIT
mkdir "$CG" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "live pid1: create $CG"; exit 1; }

# The hook: its child leaves a sleeper behind and exits at once (a double
# fork), so the sleeper's parent is PID 1; then the hook fails with 7.
cat > "$D/hook" << EOF
#!/bin/sh
sh -c 'sleep 0.3 & echo \$! >> $D/orphans'
echo "\$OOMGUARD_ID" >> $D/hook-runs
exit 7
EOF
chmod 755 "$D/hook"
printf '[daemon]\ninterval = 100ms\nhook = %s\n[cgroup:test]\npath = %s\nusage_above = 1%%\naction = warn\n' \
        "$D/hook" "$REL" > "$D/conf"
# 20 MiB held in the cgroup: 8% of its limit, above the rule's 1%.
sh -c "echo \$\$ > $CG/cgroup.procs; exec $HOG 20 0 hold" > "$D/holder.out" 2>&1 &
holder=$!
wait_for "grep -q ready $D/holder.out 2>/dev/null" 10 || not_ok "live pid1: the holder did not start"

# start_ns [zombie]: oomguard as PID 1 of a new PID namespace; $us is
# unshare, $og oomguard's pid out here. With "zombie", PID 1 first forks a
# child and waits until it has exited, then execs oomguard: a zombie the
# guard inherits, whose SIGCHLD came before oomguard could take it.
start_ns() {
        local pre=()
        [ "${1:-}" = zombie ] && pre=(perl -e 'if (!fork) { exit 0 } select(undef, undef, undef, 0.3); exec @ARGV or die')
        : > "$D/log"
        unshare --pid --fork --mount-proc "${pre[@]}" "$OG" -c "$D/conf" --log stderr 2> "$D/log" &
        us=$!
        wait_for "pgrep -P $us > $D/og" 5 && og=$(cat "$D/og")
        wait_for "grep -q guarding $D/log" 10
}
# inside CMD...: run CMD in the namespace (its PID namespace and its /proc).
inside() { nsenter -t "$og" -p -m "$@"; }
# gone NSPID...: none of them (pids in the namespace) exists, not even as a zombie.
gone() { local p; for p in "$@"; do inside test -e "/proc/$p" && return 1; done; return 0; }
zombies() { inside sh -c 'grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null' | wc -l; }

start_ns
check "live pid1: oomguard is PID 1 of its namespace" grep -q '^NSpid:.*[[:space:]]1$' "/proc/$og/status"

# 1. The hook's orphans: reaped, and the hook's own status still reported.
wait_for "[ -s $D/orphans ]" 10
orphans=$(cat "$D/orphans" 2>/dev/null)
diag "hook runs: $(wc -l < "$D/hook-runs" 2>/dev/null), orphans: $(echo $orphans)"
check "live pid1: the hook's exit status is reported" logged "$D/log" "hook $D/hook for .*exited with status 7" 5
check "live pid1: the hook's orphans are reaped within 3 s" wait_for "gone $orphans" 3

# 2. Orphans left by processes entering the namespace (as `docker exec` does).
left=
for _ in $(seq 20); do left="$left $(inside sh -c 'sleep 0.1 & echo $!')"; done
check "live pid1: 20 orphans left by nsenter are reaped within 3 s" wait_for "gone $left" 3
check "live pid1: no zombie in the namespace" wait_for "[ \$(zombies) = 0 ]" 3

# 3. Its own child's status stays its own: a killed hook runner is reported.
runner=$(pgrep -P "$og" -x oomguard-hooks | head -1)
if [ -n "$runner" ]; then
        kill -9 "$runner"
        # Orphans while the dead runner (ours) may still be first in line.
        left=
        for _ in $(seq 5); do left="$left $(inside sh -c 'sleep 0.05 & echo $!')"; done
        check "live pid1: orphans beside a dead child of its own are reaped" wait_for "gone $left" 3
        check "live pid1: a killed hook runner is still reported by the guard" \
                logged "$D/log" "hook: the hook runner (pid [0-9]*) was killed by signal 9" 10
        check "live pid1: and a new runner runs the hook again" \
                logged "$D/log" "hook: restarting\|runner pid" 5
else
        not_ok "live pid1: no hook runner (oomguard-hooks) under pid $og"
fi

# 4. Signals PID 1 has handled: SIGHUP from inside reloads, SIGTERM from
#    outside stops it, and it exits 0.
n=$(grep -c 'reloaded' "$D/log")
inside kill -HUP 1
check "live pid1: SIGHUP from inside the namespace reloads" \
        wait_for "[ \$(grep -c reloaded $D/log) -gt $n ]" 5
kill -TERM "$og"
check "live pid1: SIGTERM from outside stops it" wait_for "! kill -0 $us 2>/dev/null" 5
wait "$us"; rc=$?
check "live pid1: cleanly (status $rc)" [ "$rc" = 0 ]
check "live pid1: and says so" grep -q "received Terminated, stopping" "$D/log"
us= og=

# 5. A zombie inherited across the exec is reaped at start; SIGINT from
#    inside the namespace stops it too.
start_ns zombie
check "live pid1: a zombie inherited at exec is reaped at start" wait_for "[ \$(zombies) = 0 ]" 3
(inside kill -INT 1) 2> /dev/null # nsenter may die with the namespace
check "live pid1: SIGINT from inside the namespace stops it" wait_for "! kill -0 $us 2>/dev/null" 5
wait "$us"; rc=$?
check "live pid1: cleanly (status $rc)" [ "$rc" = 0 ]
us= og=
[ $failures -gt 0 ] && KEEP=1 && diag "log:" "$(tail -20 "$D/log")"
exit $((failures > 0))
