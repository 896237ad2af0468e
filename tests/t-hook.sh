#!/bin/bash
# Hooks ([daemon] hook): the real hook runner, started the way the guard
# starts it, by tests/helpers/hookdrive (which links the library and
# sends events as the guard will): the hook's environment and process
# (its own session, oom_score_adj 0, nothing locked, blocked or
# inherited), hook_notify's time while hooks run, hook_timeout
# (SIGKILL to the group), one run at a time per rule with the events in
# between counted, at most 4 at once, failures logged, a full socket
# counted not waited on, a dead runner restarted, a reload, and the
# runner gone with the guard (socket closed, or the guard SIGKILLed).
# Then the loader's checks of the hook's path (as root: owned by root,
# writable by no one else, nor its directories), on files made here.
. "$(dirname "$0")/lib.sh"
DRIVE=$(realpath "$B/helpers/hookdrive")
[ -x "$DRIVE" ] || { not_ok "hook: $B/helpers/hookdrive not built"; exit 1; }
D=$(mktemp -d)
cleanup() {
        [ -n "${bg:-}" ] && kill -9 "$bg" 2>/dev/null
        for f in "$D"/pid.* "$D"/child.*; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
        rm -rf "$D"
        [ -n "${R:-}" ] && rm -rf "$R"
}
trap cleanup EXIT
ln -s "$DRIVE" "$D/probe"
cat > "$D/hook" <<EOF
#!/bin/sh
# slow*: sleeps (with a child in its group); fail*: fails; count*: records
# the run and sleeps 1 s; anything else: the probe.
case \$OOMGUARD_RULE in
slow*) echo \$OOMGUARD_EVENTS_MISSED > $D/missed.\$OOMGUARD_ID; echo \$\$ > $D/pid.\$OOMGUARD_ID; sleep 30 & echo \$! > $D/child.\$OOMGUARD_ID; wait ;;
fail*) echo "boom from \$OOMGUARD_ID" >&2; exit 3 ;;
count*) echo "start \$OOMGUARD_ID" >> $D/starts
        echo "\$OOMGUARD_ID \$OOMGUARD_EVENTS_MISSED" >> $D/runs.\$OOMGUARD_RULE; sleep 1 ;;
*) exec $D/probe ;;
esac
EOF
printf '#!/bin/sh\necho "$OOMGUARD_ID" > %s/hook2.$OOMGUARD_ID\n' "$D" > "$D/hook2"
chmod 755 "$D/hook" "$D/hook2"
# field FILE KEY: the value of KEY= in FILE (the driver's lines or a probe's)
field() { grep -o "\(^\| \)$2=[^ ]*" "$1" | head -1 | sed "s/^ *$2=//"; }
# that NAME EXPR: ok when the shell expression EXPR (evaluated here) is true.
that() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
# A driver that hangs (a send that blocks) fails its checks, never the suite.
hookdrive() { timeout -s KILL 30 "$DRIVE" "$@"; }
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# 1. What the hook sees: the probe as the hook, the driver like the guard
#    (-l: oom_score_adj -1000 or 500, mlockall as root, signals blocked
#    and ignored, SECRET=1 in its environment, a leaked descriptor).
hookdrive -l drive "$D/probe" 5000 event:web:action:e1 waitfile:"$D/probe.e1":5 \
        event:any:kernel:k1 waitfile:"$D/probe.k1":5 event:web:warning:w1 waitfile:"$D/probe.w1":5 \
        > "$D/out1" 2> "$D/err1"
P=$D/probe.e1
cat > "$D/want-env" <<EOF
env:OOMGUARD_ACTION=kill
env:OOMGUARD_CGROUP=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_abcd.slice/cri-containerd-0123456789abcdef.scope
env:OOMGUARD_CONTAINER_ID=0123456789abcdef
env:OOMGUARD_CONTAINER_RUNTIME=containerd
env:OOMGUARD_EVENT=action
env:OOMGUARD_EVENTS_MISSED=0
env:OOMGUARD_ID=e1
env:OOMGUARD_OUTCOME=killed
env:OOMGUARD_POD_QOS=burstable
env:OOMGUARD_POD_UID=1234-abcd
env:OOMGUARD_REASON=working set 95.0% of limit 256.0MiB >= 90.0%
env:OOMGUARD_REPORT=/var/lib/oomguard/reports/e1.json
env:OOMGUARD_RULE=web
env:OOMGUARD_VICTIM_COMM=java
env:OOMGUARD_VICTIM_PID=4242
env:PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
if [ -f "$P" ] && diff <(grep '^env:' "$P" | LC_ALL=C sort) "$D/want-env" > "$D/env-diff"; then
        ok "hook: the hook's environment is exactly PATH and every OOMGUARD_* variable of the event"
else
        not_ok "hook: the hook's environment is exactly PATH and every OOMGUARD_* variable of the event"
        diag "$(cat "$D/env-diff" 2>/dev/null)" "$(cat "$D/err1")"
fi
that "hook: a kernel OOM kill: OOMGUARD_EVENT=kernel-oom-kill, no rule, the kernel's cgroup" \
        'grep -qx env:OOMGUARD_EVENT=kernel-oom-kill "$D/probe.k1" && grep -qx env:OOMGUARD_RULE= "$D/probe.k1" &&
         grep -q "^env:OOMGUARD_CGROUP=/kubepods" "$D/probe.k1" && grep -qx env:OOMGUARD_ACTION= "$D/probe.k1"'
check "hook: a warning: OOMGUARD_EVENT=warning" grep -qx 'env:OOMGUARD_EVENT=warning' "$D/probe.w1"
pid=$(field "$P" pid)
diag "probe: $(grep -v '^env:' "$P" 2>/dev/null | tr '\n' ' ')"
check "hook: its own session and process group" [ -n "$pid" -a "$(field "$P" sid)" = "$pid" -a "$(field "$P" pgid)" = "$pid" ]
check "hook: oom_score_adj 0 (the guard's is $(grep -q 'cannot set' "$D/err1" && echo unchanged || echo not 0))" \
        [ "$(field "$P" oom_score_adj)" = 0 ]
check "hook: stdin /dev/null, cwd /, descriptors 0 1 2 only" \
        [ "$(field "$P" stdin)" = /dev/null -a "$(field "$P" cwd)" = / -a "$(field "$P" fds)" = 0,1,2 ]
check "hook: no signal blocked or ignored, nothing locked, at most 1024 open files" \
        [ "$(field "$P" SigBlk)" = 0000000000000000 -a "$(field "$P" SigIgn)" = 0000000000000000 \
          -a "$(sed -n 's/^VmLck=//p' "$P")" = "0 kB" -a "$(field "$P" nofile)" -le 1024 ]
lat=$(( $(field "$P" t_ns) - $(grep 'id=e1 ' "$D/out1" | sed 's/.*at_ns=//') ))
diag "from hook_notify to the hook's main(): $((lat / 1000)) us (fork, exec, dynamic linking of the probe)"
diag "runner start (posix_spawn + config message): $(field "$D/out1" start_us) us"

# The runner is an exec (no copy-on-write sharing, nothing locked), and
# not at oom_score_adj 0 itself: it is the hook that is reset.
"$DRIVE" -l drive "$D/probe" 5000 pid sleep:3000 > "$D/out2" 2>&1 &
bg=$!
wait_for "grep -q runner_pid= $D/out2" 5
rp=$(field "$D/out2" runner_pid)
cmd=$(tr '\0' ' ' < "/proc/$rp/cmdline" 2>/dev/null)
check "hook: the runner is an exec of /proc/self/exe --hook-runner 3 ($cmd)" [ "$cmd" = "oomguard --hook-runner 3 " ]
check "hook: the runner holds no locked memory (the driver: $(grep VmLck /proc/$bg/status | tr -s ' \t' ' '))" \
        grep -q '^VmLck:[[:space:]]*0 kB' "/proc/$rp/status"
kill "$bg"; wait "$bg" 2>/dev/null; bg=

# 2. hook_timeout: a hook that sleeps 30 s (and its child) is killed at
#    1 s; the next event of its rule and one of another rule are sent in
#    microseconds meanwhile; the other rule's hook runs at once.
hookdrive drive "$D/hook" 1000 event:slow:action:s1 waitfile:"$D/child.s1":5 event:slow:action:s2 \
        event:web:action:p1 waitfile:"$D/probe.p1":5 flood:20:slow waitfile:"$D/child.flood19":5 \
        > "$D/out3" 2> "$D/err3"
s2=$(grep 'id=s2 ' "$D/out3" | sed 's/.*send_ns=\([0-9]*\).*/\1/')
p1=$(grep 'id=p1 ' "$D/out3" | sed 's/.*send_ns=\([0-9]*\).*/\1/')
max=$(field "$D/out3" max_ns)
diag "hook_notify while a hook runs: ${s2:-?} ns, ${p1:-?} ns; 20 more at once: max ${max:-?} ns"
# Waiting on the hook would take its whole 1 s timeout; a send takes
# microseconds, but one preemption on a 2-core machine costs milliseconds
# (7 ms seen once in 20 runs), so the bound sits between the two: 50 ms.
that "hook: hook_notify takes microseconds, never the hook's time (${s2:-?}, ${p1:-?}, max ${max:-?} ns)" \
        '[ -n "$s2" -a -n "$p1" -a -n "$max" ] && [ "$s2" -lt 50000000 -a "$p1" -lt 50000000 -a "$max" -lt 50000000 ]'
pd=$(( $(field "$D/probe.p1" t_ns 2>/dev/null || echo 0) - $(grep 'id=p1 ' "$D/out3" | sed 's/.*at_ns=//') ))
that "hook: another rule's hook runs while the first sleeps ($((pd / 1000000)) ms after its event)" \
        '[ -f "$D/probe.p1" ] && [ "$pd" -lt 500000000 ]'
check "hook: killed at hook_timeout, and logged so" grep -q "hook $D/hook for rule slow: killed after 1 s" "$D/err3"
s1=$(cat "$D/pid.s1" 2>/dev/null) c1=$(cat "$D/child.s1" 2>/dev/null)
# SIGKILLed with its group at 1 s; the child (not the runner's to reap)
# may still be dying: a deadline (3 s), far below the hook's 30 s sleep.
that "hook: the hook and the child in its process group are gone" \
        '[ -n "$s1" -a -n "$c1" ] && wait_for "! alive $s1 && ! alive $c1" 3'
check "hook: after the kill the newest waiting event runs, the 20 it replaced counted" \
        [ "$(cat "$D/missed.flood19" 2>/dev/null)" = 20 -a ! -f "$D/pid.s2" ]
c2=$(cat "$D/child.flood19" 2>/dev/null)
# The runner SIGKILLs the group and exits; the grandchild it does not reap
# may take a moment more to die (as in 9. below): a deadline, no race.
that "hook: the driver gone, the runner killed the hook still running" '[ -n "$c2" ] && wait_for "! alive $c2" 3'
check "hook: the guard's stop ends it at once (EOF), not at its timeout" \
        grep -q "for rule slow: killed as oomguard stopped" "$D/err3"

# 3. One run at a time per rule: 4 events while the first runs, the last
#    runs next with the 2 in between counted; then a fresh one, missed 0.
hookdrive drive "$D/hook" 5000 event:count:action:c1 waitfile:"$D/runs.count":5 event:count:action:c2 \
        event:count:action:c3 event:count:action:c4 waitlines:"$D/runs.count":2:5 sleep:1100 \
        event:count:action:c5 waitlines:"$D/runs.count":3:5 sleep:1100 > "$D/out4" 2> "$D/err4"
if [ "$(cat "$D/runs.count" 2>/dev/null | tr '\n' ' ')" = "c1 0 c4 2 c5 0 " ]; then
        ok "hook: events during a run are counted (OOMGUARD_EVENTS_MISSED=2), the newest runs next"
else
        not_ok "hook: events during a run are counted (OOMGUARD_EVENTS_MISSED=2), the newest runs next"
        diag "runs: $(tr '\n' ' ' < "$D/runs.count" 2>/dev/null)" "$(cat "$D/err4")"
fi

# 4. At most 4 hooks at once: 6 rules, each hook 1 s.
rm -f "$D/starts"
hookdrive drive "$D/hook" 5000 event:count1 event:count2 event:count3 event:count4 event:count5 event:count6 \
        waitlines:"$D/starts":4:3 lines:"$D/starts" waitlines:"$D/starts":6:5 sleep:1100 > "$D/out5" 2> "$D/err5"
check "hook: 4 hooks of different rules at once, the 5th waits ($(field "$D/out5" lines) started first)" \
        [ "$(field "$D/out5" lines)" = 4 ]
check "hook: the 2 that waited run when room is made" [ "$(wc -l < "$D/starts")" = 6 ]

# 5. A failing hook is logged, its stderr reaches the log.
hookdrive drive "$D/hook" 5000 event:fail:action:f1 waitgrep:"$D/err6":"exited with status 3":5 \
        > "$D/out6" 2> "$D/err6"
check "hook: a failing hook is logged (exited with status 3)" \
        grep -q "hook $D/hook for rule fail: exited with status 3 after" "$D/err6"
check "hook: its stderr goes to oomguard's log (stderr here)" grep -q "boom from f1" "$D/err6"

# 6. A full socket: the runner stopped, 500 events: counted, never waited on.
hookdrive drive "$D/probe" 5000 stop-runner flood:500:web cont-runner > "$D/out7" 2> "$D/err7"
sent=$(field "$D/out7" sent) dropped=$(field "$D/out7" dropped) max=$(field "$D/out7" max_ns)
diag "full socket: $sent sent, $dropped dropped, slowest hook_notify $max ns"
that "hook: a full socket drops events (${dropped:-?} of 500) and counts them, never blocks (max ${max:-?} ns)" \
        '[ -n "$sent" -a -n "$dropped" -a -n "$max" ] && [ "$dropped" -gt 0 -a $((sent + dropped)) = 500 -a "$max" -lt 50000000 ]'
check "hook: the drops are logged, not every one" \
        [ "$(grep -c 'not handed to the hook runner' "$D/err7")" -ge 1 -a "$(grep -c 'not handed to the hook runner' "$D/err7")" -le 10 ]

# 7. A dead runner: the event is dropped, hook_runner_ensure starts another
#    (and not again within the second).
hookdrive drive "$D/probe" 5000 kill-runner event:web:action:r1 ensure event:web:action:r2 \
        waitfile:"$D/probe.r2":5 kill-runner ensure > "$D/out8" 2> "$D/err8"
that "hook: a dead runner costs the event, then is restarted (ensure=1) and the next one runs" \
        'grep -q "^ensure=1 " "$D/out8" && [ -f "$D/probe.r2" -a ! -f "$D/probe.r1" ] &&
         grep -q "restarts=1" "$D/out8" && grep -q "dropped=1" "$D/out8"'
that "hook: a runner that dies again at once is restarted a second later, not in a loop" \
        '[ "$(grep -c "^ensure=" "$D/out8")" = 2 ] && grep -q "^ensure=0 " "$D/out8"'

# 8. A reload with another hook: the same runner, the new program.
hookdrive drive "$D/probe" 5000 event:web:action:a1 waitfile:"$D/probe.a1":5 reload:"$D/hook2":5000 pid \
        event:web:action:a2 waitfile:"$D/hook2.a2":5 > "$D/out9" 2> "$D/err9"
check "hook: after a reload the next event runs the new hook, by the same runner" \
        [ -f "$D/hook2.a2" -a ! -f "$D/probe.a2" -a "$(grep -o 'runner_pid=[0-9]*' "$D/out9" | sort -u | wc -l)" = 1 ]

# 9. The runner goes with the guard: the socket closed, or the guard SIGKILLed.
hookdrive drive "$D/hook" 10000 event:slow:action:x1 waitfile:"$D/child.x1":5 close waitrunner:3 \
        > "$D/out10" 2> "$D/err10"
ms=$(field "$D/out10" runner_exit_ms)
# The runner's SIGKILL to the hook's group is sent before it exits, but a
# child it does not reap may take a moment more to die: a deadline, no race.
that "hook: the runner exits when the guard closes the socket (in ${ms:-?} ms), its hook killed" \
        '[ -n "$ms" -a "$ms" != timeout ] && wait_for "! alive $(cat "$D/child.x1")" 3'
"$DRIVE" drive "$D/hook" 10000 event:slow:action:x2 waitfile:"$D/child.x2":5 pid sleep:30000 > "$D/out11" 2>&1 &
bg=$!
wait_for "grep -q runner_pid= $D/out11" 5
rp=$(field "$D/out11" runner_pid)
kill -9 "$bg"; wait "$bg" 2>/dev/null; bg=
if wait_for "! alive $rp && ! alive $(cat "$D/child.x2")" 3; then
        ok "hook: the guard SIGKILLed: the runner and its hook are gone"
else
        not_ok "hook: the guard SIGKILLed: the runner and its hook are gone"
fi
out=$("$B/oomguard" --hook-runner x 2>&1); rc=$?
check "hook: oomguard --hook-runner wants a descriptor (exit $rc: $out)" [ $rc = 2 ]
timeout 5 "$B/oomguard" --hook-runner 3 3</dev/null; rc=$?
check "hook: oomguard --hook-runner on no socket exits at once (exit $rc)" [ $rc = 0 ]

# 10. The loader's checks of the path, on real files.
conf() { printf '[daemon]\nhook = %s\n[global]\nmem_available_below = 5%%\n' "$1" > "$D/c.conf"; }
refused() { # refused NAME PATH MESSAGE: -n fails with "c.conf:2: hook: MESSAGE"
        conf "$2"
        local err; err=$("$B/oomguard" -n -c "$D/c.conf" 2>&1 >/dev/null)
        if [ $? -ne 0 ] && grep -qxF "$D/c.conf:2: hook: $3" <<<"$err"; then ok "hook: refused: $1"
        else not_ok "hook: refused: $1"; diag "want: $D/c.conf:2: hook: $3" "got: $err"; fi
}
if [ "$(id -u)" != 0 ]; then
        conf "$D/hook"
        check "hook: not root: a hook of one's own in /tmp is accepted" bash -c "'$B/oomguard' -n -c '$D/c.conf' >/dev/null 2>&1"
        skip "hook: ownership checks: they apply when oomguard runs as root"
        exit $((failures > 0))
fi
R=$(mktemp -d /run/oomguard-t-hook.XXXXXX)
chmod 755 "$R"
install -m 755 "$D/hook2" "$R/h"
conf "$R/h"
check "hook: root's own program in root's directories is accepted" \
        bash -c "'$B/oomguard' -n -c '$D/c.conf' | grep -qx 'hook = $R/h'"
chmod 775 "$R/h"; refused "group-writable" "$R/h" "\"$R/h\" is group- or world-writable (mode 0775)"
chmod 757 "$R/h"; refused "world-writable" "$R/h" "\"$R/h\" is group- or world-writable (mode 0757)"
chmod 755 "$R/h"; chown 65534 "$R/h"; refused "not root's" "$R/h" "\"$R/h\" is owned by uid 65534, not root"
chown 0 "$R/h"; chmod 644 "$R/h"; refused "not executable" "$R/h" "\"$R/h\" is not executable"
chmod 755 "$R/h"; chmod 777 "$R"
refused "its directory world-writable" "$R/h" "\"$R/h\": its directory \"$R\" is group- or world-writable (mode 0777)"
chmod 755 "$R"; chown 65534 "$R"
refused "its directory not root's" "$R/h" "\"$R/h\": its directory \"$R\" is owned by uid 65534, not root"
chown 0 "$R"
refused "under /tmp" "$D/hook" "\"$D/hook\": its directory \"/tmp\" is group- or world-writable (mode 1777)"
ln -s "$D/hook" "$R/link"
refused "a symlink into /tmp" "$R/link" \
        "\"$R/link\" (-> \"$D/hook\"): its directory \"/tmp\" is group- or world-writable (mode 1777)"
exit $((failures > 0))
