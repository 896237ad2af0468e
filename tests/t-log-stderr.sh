#!/bin/bash
# stderr a pipe nobody reads (issue 16): in a container, sidecar mode's
# log goes to a pipe or FIFO to the runtime's shim, and a shim that does
# not read fills it. Here the daemon's stderr is a FIFO whose reader never
# reads, filled before the daemon starts: a blocking write would hold the
# guard at its first line. A full-speed hog in a v1 cgroup must still be
# killed by oomguard before the kernel (the cgroup's oom_kill), and once
# the pipe is drained the next line says how many were lost. Root, v1
# memory controller.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
PY=/usr/bin/python3
if [ "$(id -u)" != 0 ]; then skip "live stderr: needs root (memory cgroups)"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live stderr: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
if [ ! -x $PY ]; then skip "live stderr: $PY missing (fills and drains the FIFO)"; exit 0; fi
HOG=$(realpath "$B/helpers/hog")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-stderr-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)
og=''
cleanup() {
        [ -n "$og" ] && kill -9 "$og" 2>/dev/null && wait "$og" 2>/dev/null
        exec 3<&-
        if [ -d "$CG" ]; then
                for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done <"$CG/cgroup.procs"; done
                wait 2>/dev/null
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo 256M >"$CG/memory.limit_in_bytes" || { not_ok "live stderr: create $CG"; exit 1; }
# fifo fill|drain: write until the pipe is full / read what is queued, never waiting.
fifo() {
        $PY - "$TMP/fifo" "$1" <<'PYEOF'
import os, sys
if sys.argv[2] == "fill":
        fd = os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
        n = 0
        for size in (65536, 1):
                try:
                        while True:
                                n += os.write(fd, b"x" * (size - 1) + b"\n")
                except BlockingIOError:
                        pass
        print(n)
else:
        fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
        try:
                while True:
                        b = os.read(fd, 65536)
                        if not b:
                                break
                        sys.stdout.buffer.write(b)
        except BlockingIOError:
                pass
PYEOF
}
# The loop's wait (epoll_wait, epoll_pwait, epoll_pwait2 on x86_64; any
# epoll_pwait elsewhere): the daemon got past its start-up lines.
case $(uname -m) in x86_64) WAITS=" 232 281 441 " ;; *) WAITS=" 22 441 " ;; esac
in_loop() { case $WAITS in *" $(cut -d' ' -f1 /proc/$og/syscall 2>/dev/null) "*) return 0 ;; esac; return 1; }

cat >"$TMP/conf" <<CONF
[daemon]
interval = 100ms
post_kill_delay = 100ms
max_kills_per_minute = 100
[cgroup:stderr]
path = $REL
usage_above = 90%
action = kill
CONF
mkfifo "$TMP/fifo"
exec 3<>"$TMP/fifo" # the reader that never reads (read-write: opening it does not wait)
diag "stderr FIFO filled with $(fifo fill) bytes before the daemon starts"
$OOMGUARD -c "$TMP/conf" --log stderr 2>"$TMP/fifo" &
og=$!
wait_for in_loop 10; rc=$?
check "live stderr: pipe full: the daemon reaches its loop (wchan $(cat /proc/$og/wchan 2>/dev/null))" [ $rc = 0 ]
flags=$(sed -n 's/^flags:[[:space:]]*//p' /proc/$og/fdinfo/2)
check "live stderr: fd 2's own file description stays blocking (flags $flags: the workload's stderr)" \
        [ $((0$flags & 04000)) = 0 ]
hog_race "live stderr" "pipe full"
check "live stderr: pipe full: oomguard still runs, not waiting on the pipe ($(cat /proc/$og/wchan 2>/dev/null))" \
        sh -c "kill -0 $og && ! grep -q pipe_write /proc/$og/wchan"
fifo drain >/dev/null
hog_race "live stderr" "pipe drained"
check "live stderr: drained: the kill's line arrives" wait_for "fifo drain >>$TMP/out; grep -q 'kill pid $HOG_PID (hog)' $TMP/out" 5
check "live stderr: drained: a line says how many were lost" grep -q '^oomguard: warning: [0-9]* log lines lost while stderr was full' "$TMP/out"
diag "$(grep -o '^oomguard: warning: [0-9]* log lines lost[^(]*' "$TMP/out" | head -n 1)"
exit $((failures > 0))
