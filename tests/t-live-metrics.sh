#!/bin/bash
# The Prometheus metrics file of a live daemon, in v1 memory cgroups this
# test creates: the file passes `promtool check metrics` (Debian's
# prometheus) and parses with the reference client (Debian's
# python3-prometheus-client); a cgroup filled by the test (anonymous
# memory, then page cache past its limit) shows the kernel's usage, limit
# and failcnt within 5 %; a hostile cgroup name comes back whole; the
# action counter moves after oomguard kills a hog (action = kill) and
# after a warn rule fires (action = warn: that is what a rule's warning
# is; oomguard_warnings_total counts the early warnings of
# warnings_emit(), which no rule here makes), the kernel-kill counter
# after the kernel kills in a cgroup oomguard does not watch; a reload
# moves the file; an unwritable path costs one warning, not the guard.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live metrics: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live metrics: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
PROMTOOL=$(command -v promtool) || { not_ok "live metrics: promtool missing (Debian package prometheus)"; exit 1; }
PY=/usr/bin/python3
$PY -c 'import prometheus_client.parser' 2>/dev/null || {
        not_ok "live metrics: the reference client missing (Debian package python3-prometheus-client)"
        exit 1
}
unset OOMGUARD_METRICS_FILE # metrics_file is what this test tests
HOG=$(realpath "$B/helpers/hog")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-metrics-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)
# Page cache must be reclaimable: the fill file is on disk, not on tmpfs.
FILL=$(realpath -m "$B")/metrics-fill-$$
# The kernel refuses '\n' in a cgroup's name; anything else goes, a byte
# that is not UTF-8 too (the file has U+FFFD for it).
ODD=$'we"ird\\name{a="b",c}\t\xff'

TINY=$TMP/tiny
stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
cleanup() {
        stop_guard
        mountpoint -q "$TINY" && umount "$TINY"
        for d in "$CG"/*/ "$CG"; do
                [ -d "$d" ] || continue
                for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$d/cgroup.procs"; done
        done
        wait 2>/dev/null
        for d in "$CG"/*/ "$CG"; do [ -d "$d" ] && { wait_for "rmdir '$d' 2>/dev/null" 5 || echo "# could not remove $d"; }; done
        rm -rf "$TMP" "$FILL"
}
trap cleanup EXIT
# make_cg NAME LIMIT. No memsw limit: at the same value it would be hit
# first, and count in memory.memsw.failcnt instead of memory.failcnt.
make_cg() { mkdir "$CG/$1" && echo "$2" > "$CG/$1/memory.limit_in_bytes"; }
mkdir "$CG" && make_cg fill 64M && make_cg kill 128M && make_cg oom 32M && make_cg "$ODD" 64M ||
        { not_ok "live metrics: create the cgroups under $CG"; exit 1; }
# in_cgroup NAME CMD...: CMD inside cgroup NAME (background); pid in $!
in_cgroup() { local c=$1; shift; sh -c 'echo $$ > "$0/cgroup.procs"; exec "$@"' "$CG/$c" "$@" & }

# The fill: 40 MiB held, then 128 MiB of page cache read from inside (the
# limit is hit, clean cache reclaimed: failcnt rises, nothing is killed;
# written from inside, dirty pages could make the kernel kill the hog).
dd if=/dev/zero of="$FILL" bs=1M count=128 oflag=direct status=none
in_cgroup fill "$HOG" 40 0 hold > "$TMP/fill.out"; fill=$!
wait_for "grep -q ready $TMP/fill.out" 10
in_cgroup fill dd if="$FILL" of=/dev/null bs=1M status=none; wait $!
in_cgroup "$ODD" sleep 600; odd=$!

M=$TMP/m/oomguard.prom
cat > "$TMP/conf" <<EOF
[daemon]
interval = 100ms
post_kill_delay = 100ms
metrics_file = $M
metrics_interval = 200ms
[cgroup:watch]
path = $REL/fill
usage_above = 50%
action = warn
[cgroup:kill]
path = $REL/kill
usage_above = 80%
action = kill
[cgroup:odd]
path = $REL/we*
usage_above = 99%
action = warn
EOF
$OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log" & og=$!
wait_for "[ -s $M ]" 10 || { not_ok "live metrics: no metrics file at $M"; diag "$(tail -5 "$TMP/log")"; exit 1; }

# value FILE NAME [LABEL=VALUE...]: the sample's value as the reference
# client parses it ("none" when there is no such sample). ODD in the
# environment stands for the hostile name (label value "@ODD").
value() {
        ODD="$ODD" REL="$REL" $PY - "$@" <<'PYEOF'
import os, sys
from prometheus_client.parser import text_string_to_metric_families
path, name, want = sys.argv[1], sys.argv[2], {}
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    odd = os.environb[b"ODD"].decode("utf-8", "replace")
    want[k] = v.replace("@ODD", odd).replace("@REL", os.environ["REL"])
with open(path) as f:
    text = f.read()
for fam in text_string_to_metric_families(text):
    for s in fam.samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in want.items()):
            print(repr(s.value) if s.value != int(s.value) else int(s.value))
            sys.exit(0)
print("none")
PYEOF
}
# ge A B: A is a number >= B
ge() { [ "$1" != none ] && [ "$1" -ge "$2" ]; }
# within5 A B: |A - B| <= 5 % of B
within5() { [ "$1" != none ] && $PY -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 0.05 * max(b, 1))" "$1" "$2"; }
# moved NAME LABELS... WANT: wait (5 s) until the file's sample is WANT
moved() {
        local want=${*: -1} i
        for i in $(seq 50); do
                [ "$(value "$M" "${@:1:$#-1}")" = "$want" ] && return 0
                sleep 0.1
        done
        diag "$1 ${*:2:$#-2}: $(value "$M" "${@:1:$#-1}"), want $want"
        return 1
}

out=$("$PROMTOOL" check metrics < "$M" 2>&1)
check "live metrics: promtool check metrics accepts the file" [ $? = 0 -a -z "$out" ]
[ -n "$out" ] && diag "$out"
check "live metrics: the reference client parses it" $PY -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
n = sum(len(f.samples) for f in text_string_to_metric_families(open(sys.argv[1]).read()))
sys.exit(n < 20)' "$M"
check "live metrics: mode 0644" [ "$(stat -c %a "$M")" = 644 ]
check "live metrics: no temp file left beside it" [ "$(ls -A "$TMP/m")" = oomguard.prom ]
check "live metrics: build_info" [ "$(value "$M" oomguard_build_info)" = 1 ]

# The fill against the kernel's own files, read right after a write.
K=$CG/fill
usage=$(value "$M" oomguard_cgroup_memory_usage_bytes cgroup=@REL/fill)
limit=$(value "$M" oomguard_cgroup_memory_limit_bytes cgroup=@REL/fill)
failcnt=$(value "$M" oomguard_cgroup_memory_failcnt_total cgroup=@REL/fill)
ws=$(value "$M" oomguard_cgroup_memory_working_set_bytes cgroup=@REL/fill)
diag "fill: usage $usage (kernel $(cat $K/memory.usage_in_bytes)), limit $limit, failcnt $failcnt (kernel $(cat $K/memory.failcnt)), working set $ws"
check "live metrics: usage within 5 % of memory.usage_in_bytes" within5 "$usage" "$(cat $K/memory.usage_in_bytes)"
check "live metrics: limit is memory.limit_in_bytes" [ "$limit" = "$(cat $K/memory.limit_in_bytes)" ]
check "live metrics: failcnt within 5 % of memory.failcnt" within5 "$failcnt" "$(cat $K/memory.failcnt)"
check "live metrics: the fill hit its limit (failcnt $failcnt)" ge "$failcnt" 1
check "live metrics: working set holds the 40 MiB hog" ge "$ws" $((38 << 20))
check "live metrics: ... and less than the usage (page cache)" [ "$ws" != none -a "$ws" -lt "$usage" ]
check "live metrics: the oom cgroup (no rule) has no series" \
        [ "$(value "$M" oomguard_cgroup_memory_usage_bytes cgroup=@REL/oom)" = none ]
check "live metrics: the hostile name comes back whole" \
        [ "$(value "$M" oomguard_cgroup_memory_limit_bytes "cgroup=@REL/@ODD")" = $((64 << 20)) ]

# Counters: declared at 0, then moved by what happens.
check "live metrics: the kill rule's counter starts at 0" \
        [ "$(value "$M" oomguard_actions_total rule=kill action=kill outcome=done)" = 0 ]
check "live metrics: the warn rule's counter moved (action = warn fired)" \
        ge "$(value "$M" oomguard_actions_total rule=watch action=warn outcome=done)" 1
check "live metrics: warnings_total declared for the rule" \
        [ "$(value "$M" oomguard_warnings_total rule=watch kind=failcnt)" = 0 ]
# 200 MiB/s: oomguard's race is tests/t-live-kill.sh; here the kernel
# must not win it, or no action is counted.
{ in_cgroup kill "$HOG" 1024 200 > /dev/null 2>&1; wait $!; } 2> /dev/null; rc=$?
check "live metrics: oomguard killed the hog (status $rc, kernel oom_kill $(sed -n 's/^oom_kill //p' "$CG/kill/memory.oom_control"))" \
        [ $rc = 137 -a "$(sed -n 's/^oom_kill //p' "$CG/kill/memory.oom_control")" = 0 ]
check "live metrics: actions_total{rule=kill,action=kill,outcome=done} 1" \
        moved oomguard_actions_total rule=kill action=kill outcome=done 1
if head -c0 /dev/kmsg 2>/dev/null; then
        { in_cgroup oom "$HOG" 256 > /dev/null 2>&1; wait $!; } 2> /dev/null; rc=$?
        check "live metrics: the kernel killed the unwatched hog (status $rc)" [ $rc = 137 ]
        check "live metrics: kernel_oom_kills_total{cgroup=oom} 1" moved oomguard_kernel_oom_kills_total cgroup=@REL/oom 1
else
        skip "live metrics: kernel kills: /dev/kmsg cannot be read"
fi
n=$(value "$M" oomguard_tick_duration_seconds_count)
check "live metrics: the tick histogram counts ticks ($n)" ge "$n" 3
out=$("$PROMTOOL" check metrics < "$M" 2>&1)
check "live metrics: promtool still accepts it after the counters moved" [ $? = 0 -a -z "$out" ]

# A reload moves the file; the counters stay. Then a full filesystem
# (ENOSPC): one warning, the guard goes on, and the file comes back once
# there is room. Then a path that cannot be made: one warning.
M2=$TMP/m2/moved.prom
sed -i "s|^metrics_file = .*|metrics_file = $M2|" "$TMP/conf"
kill -HUP $og
check "live metrics: after a reload the new metrics_file is written" wait_for "[ -s $M2 ]" 5
check "live metrics: ... with the counters kept" \
        [ "$(value "$M2" oomguard_actions_total rule=kill action=kill outcome=done)" = 1 ]
mkdir -p "$TINY" && mount -t tmpfs -o size=4k oomguard-metrics-test "$TINY"
sed -i "s|^metrics_file = .*|metrics_file = $TINY/full.prom|" "$TMP/conf"
kill -HUP $og
# The reload and its first write waited for (a deadline), then 7 more
# metrics intervals in which a second warning would be wrong.
wait_for "grep -q 'metrics: $TINY/full.prom not written' $TMP/log" 5
sleep 1.5
check "live metrics: a full filesystem is one warning" \
        [ "$(grep -c "metrics: $TINY/full.prom not written: No space left on device" "$TMP/log")" = 1 ]
check "live metrics: ... with no temp file left" [ -z "$(ls -A "$TINY")" ]
mount -o remount,size=1m "$TINY"
check "live metrics: ... and the file is back once there is room" wait_for "[ -s $TINY/full.prom ]" 5
check "live metrics: ... which is said once" logged "$TMP/log" "metrics: $TINY/full.prom written again"
sed -i "s|^metrics_file = .*|metrics_file = /proc/oomguard-metrics/x.prom|" "$TMP/conf"
kill -HUP $og
wait_for "grep -q 'metrics: .*oomguard-metrics' $TMP/log" 5 # the reload, then 5 intervals more
sleep 1
check "live metrics: a path that cannot be made is one warning" [ "$(grep -c 'metrics: .*oomguard-metrics' "$TMP/log")" = 1 ]
check "live metrics: ... and the guard runs on" kill -0 $og
stop_guard
exit $((failures > 0))
