#!/bin/bash
# Faults, live: a SIGHUP storm with broken files in between (the daemon
# survives, keeps the last good policy, still wins); EINTR injected into
# its reads and waits (strace's fault injection: still wins); too little
# address space at start-up (a clean exit with a message, or a normal
# start: never a crash, never a changed cgroup file left behind). Races
# are judged by the kernel's oom_kill counter, in a cgroup made here.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live faults: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live faults: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
HOG=$(realpath "$B/helpers/hog")
REL=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup); REL=${REL%/}/oomguard-faults-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)
og=
stop_guard() { [ -n "$og" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
cleanup() {
        stop_guard
        echo 0 > "$CG/memory.oom_control" 2>/dev/null
        for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"; done
        wait 2>/dev/null
        wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "live faults: create $CG"; exit 1; }
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }
conf() { # conf PERCENT > file: a good policy acting at PERCENT
        printf '[daemon]\ninterval = 100ms\npost_kill_delay = 100ms\nmax_kills_per_minute = 100\n[cgroup:test]\npath = %s\nusage_above = %s%%\naction = kill\n' "$REL" "$1"
}
# race NAME LOG [PERCENT]: one full-speed hog; ok when oomguard killed it
# first (at PERCENT, when given) and the kernel did not
race() {
        local before pid rc
        before=$(oom_kills)
        sh -c "echo \$\$ > $CG/cgroup.procs; exec $HOG 1024" > /dev/null 2>&1 &
        pid=$!
        wait "$pid" 2>/dev/null; rc=$?
        logged "$2" "kill pid $pid (hog)" 3
        check "live faults: $1: the hog is oomguard's (exit $rc, oom_kill $before -> $(oom_kills))" \
                bash -c "[ $(oom_kills) = $before ] && grep -q 'kill pid $pid (hog).*>= ${3:-[0-9.]*}' $2"
}

# 1. 300 SIGHUPs in ~3 s, every other file broken.
conf 90 > "$TMP/conf"
$OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log" &
og=$!
wait_for "grep -q guarding $TMP/log" 5
for i in $(seq 300); do
        if [ $((i % 2)) = 1 ]; then printf '[cgroup:test\nbroken\n' > "$TMP/next"; else conf $((70 + i % 20)) > "$TMP/next"; fi
        mv "$TMP/next" "$TMP/conf"
        kill -HUP "$og" 2>/dev/null || break
        sleep 0.01
done
check "live faults: the daemon survives 300 SIGHUPs" kill -0 "$og"
check "live faults: broken files were refused, the policy kept" grep -q "failed; keeping the running policy" "$TMP/log"
diag "storm: $(grep -c 'reloaded ' "$TMP/log") reloads, $(grep -c 'failed; keeping' "$TMP/log") refusals logged (signals coalesce)"
# Then a good file, then a broken one: the good one stays in force.
# A reload still pending from the storm may read the file before the 85 %
# one is in place: a second SIGHUP, sent once the first was taken, reads it
# for sure.
conf 85 > "$TMP/next" && mv "$TMP/next" "$TMP/conf"
for _ in 1 2; do
        n=$(grep -c 'reloaded ' "$TMP/log")
        kill -HUP "$og"
        wait_for "[ \$(grep -c 'reloaded ' $TMP/log) -gt $n ]" 5
done
n=$(grep -c 'failed; keeping' "$TMP/log")
printf '[cgroup:test\nbroken\n' > "$TMP/next" && mv "$TMP/next" "$TMP/conf" && kill -HUP "$og"
wait_for "[ \$(grep -c 'failed; keeping' $TMP/log) -gt $n ]" 5
race "after the storm, the last good policy (usage_above = 85%)" "$TMP/log" 85
stop_guard

# 2. EINTR injected, once it runs, into every 3rd read, pread, write and
#    wait (strace attached: its own start-up is the dynamic loader's).
conf 90 > "$TMP/conf"
$OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log2" &
og=$!
wait_for "grep -q guarding $TMP/log2" 5
strace -f -p "$og" -o "$TMP/strace" -e trace=read,pread64,write,epoll_wait,epoll_pwait,ppoll,openat \
        -e inject=read,pread64,write,epoll_wait,epoll_pwait,ppoll:error=EINTR:when=3+3 &
st=$!
wait_for "grep -q INJECTED $TMP/strace" 5
for i in 1 2 3; do race "EINTR everywhere, race $i" "$TMP/log2"; done
diag "EINTR injected $(grep -c INJECTED "$TMP/strace") times"
check "live faults: EINTR everywhere: still running" kill -0 "$og"
kill "$st" 2>/dev/null; wait "$st" 2>/dev/null
stop_guard

# 3. Too little address space at start-up, in steps through the range
#    where the dynamic loader has mapped the libraries but oomguard's own
#    set-up runs short: a clean exit (1, with a message) or a start,
#    never a crash, never a cgroup value left changed (an oom_handler
#    rule). (ASan reserves terabytes of address space: not there.)
if ldd "$OOMGUARD" | grep -q libasan; then
        skip "live faults: little address space: an ASan build"
        exit $((failures > 0))
fi
printf '[daemon]\ninterval = 100ms\n[cgroup:test]\npath = %s\naction = kill\noom_handler = yes\n' "$REL" > "$TMP/conf"
crashes=0 left=0 started=0 refused=0 loader=0 silent=0
for kib in $(seq 9600 32 10624); do
        timeout -s TERM 1.5 prlimit --as=$((kib * 1024)) $OOMGUARD -c "$TMP/conf" --log stderr \
                --restore-file "$TMP/run/restore" > /dev/null 2> "$TMP/as.$kib"; rc=$?
        case $rc in
        124 | 0) started=$((started + 1)) ;;
        1) refused=$((refused + 1)); grep -q "oomguard: error: .*Cannot allocate memory" "$TMP/as.$kib" ||
                   { silent=$((silent + 1)); diag "address space $kib KiB: status 1 without an ENOMEM message"; } ;;
        127) loader=$((loader + 1)) ;; # the dynamic loader could not map a library: before oomguard runs
        *) crashes=$((crashes + 1)); diag "address space $kib KiB: status $rc: $(tail -1 "$TMP/as.$kib")" ;;
        esac
        [ "$(sed -n 's/^oom_kill_disable //p' "$CG/memory.oom_control")" = 0 ] || { left=$((left + 1)); echo 0 > "$CG/memory.oom_control"; }
        [ -s "$TMP/run/restore" ] && { left=$((left + 1)); rm -f "$TMP/run/restore"; }
done
diag "address space 9600..10624 KiB: $loader the loader's, $refused refused by oomguard, $started started"
check "live faults: little address space: no crash (status 1, 127, or a start)" [ $crashes = 0 ]
check "live faults: little address space: nothing left changed" [ $left = 0 ]
check "live faults: little address space: each refusal says it is out of memory" [ $silent = 0 ]
exit $((failures > 0))
