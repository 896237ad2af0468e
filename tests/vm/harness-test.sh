#!/bin/bash
# Self-test of tests/vm/vm-run.sh (host side, ~50 s): exit status, output, layouts,
# timeout (124), a dead VM (125), and no qemu left behind after a timeout, SIGTERM,
# Ctrl-C (SIGINT to the whole process group) or even SIGKILL of the harness.
# Output protocol as the other script tests: "ok - ", "not ok - ", "# diag".
HERE=$(cd "$(dirname "$0")" && pwd)
VM=$HERE/vm-run.sh
failures=0
ok() { echo "ok - vm harness: $*"; }
not_ok() { echo "not ok - vm harness: $*"; failures=$((failures + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

out=$("$VM" -- sh -c 'echo hello; cat /sys/fs/cgroup/cgroup.subtree_control; exit 7' 2>/dev/null); rc=$?
check "exit status passed through (7)" [ $rc = 7 ]
check "output passed through" grep -qx hello <<<"$out"
check "v2: memory enabled in the root's subtree_control" grep -qw memory <<<"$out"

out=$("$VM" --layout hybrid -- sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; grep -c " /sys/fs/cgroup/unified cgroup2 " /proc/mounts; ldd --version | head -n1' 2>/dev/null); rc=$?
check "hybrid: v1 memory + cgroup2 at unified; host binaries run" \
        [ $rc = 0 -a "$(sed -n 2p <<<"$out")" = 1 -a -n "$(sed -n 3p <<<"$out")" ]

"$VM" --timeout 6 -- sleep 60 >/dev/null 2>&1; rc=$?
check "timeout gives 124" [ $rc = 124 ]

"$VM" -- sh -c 'echo c >/proc/sysrq-trigger' >/dev/null 2>&1; rc=$?
check "a panicked VM gives 125" [ $rc = 125 ]

# Signals: run the harness in its own process group, wait for its qemu, signal, then
# no qemu child of it may remain.
signal_test() { # NAME SIGNAL TARGET(pid|group)
        local name=$1 sig=$2 target=$3 pid q left
        setsid "$VM" --timeout 120 -- sleep 100 >/dev/null 2>&1 3>&- &
        pid=$!
        for _ in $(seq 100); do q=$(pgrep -P "$pid" -f qemu-system); [ -n "$q" ] && break; sleep 0.1; done
        if [ -z "$q" ]; then not_ok "$name: qemu never started"; kill -KILL "$pid"; return; fi
        sleep 2   # let the guest boot a bit: a real Ctrl-C comes at any time
        if [ "$target" = group ]; then kill -"$sig" -- "-$pid"; else kill -"$sig" "$pid"; fi
        for _ in $(seq 50); do kill -0 "$q" 2>/dev/null || break; sleep 0.1; done
        { wait "$pid"; } 2>/dev/null
        if kill -0 "$q" 2>/dev/null; then not_ok "$name: qemu $q still running"; kill -KILL "$q"
        else ok "$name: no qemu left behind"; fi
        # setsid made the harness a session leader: its timer and helpers share its session
        for _ in $(seq 20); do [ -z "$(pgrep -s "$pid")" ] && break; sleep 0.1; done
        left=$(pgrep -s "$pid" | tr '\n' ' ')
        if [ -n "$left" ]; then not_ok "$name: processes left: $(ps -o pid=,args= -p "${left// /,}" 2>/dev/null | tr '\n' ';')"; kill -KILL $left
        else ok "$name: no process of the harness left"; fi
}
exec 3>&2 2>/dev/null   # bash's "Killed" job notices
signal_test "SIGTERM to the harness" TERM pid
signal_test "Ctrl-C (SIGINT to the process group)" INT group
signal_test "SIGKILL of the harness (parent-death signal)" KILL pid
exec 2>&3
exit $((failures > 0))
