#!/bin/bash
# The kernel's own OOM kill, seen through /dev/kmsg by the library's reader
# and parser (tests/helpers/kmsgwatch; no oomguard running): a hog in a
# 64 MiB v1 memory cgroup this test creates is killed by the kernel, and
# the event must name its pid, comm, cgroup and constraint; a kill from
# before the reader opened must not be replayed. Other kills on the host
# (other tests) may show up too: only events of our cgroup count.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live kmsg: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live kmsg: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
if ! head -c0 /dev/kmsg 2>/dev/null; then skip "live kmsg: /dev/kmsg cannot be read"; exit 0; fi
HOG=$(realpath "$B/helpers/hog")
WATCH=$B/helpers/kmsgwatch
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-kmsg-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)

cleanup() {
        [ -n "${wpid:-}" ] && kill "$wpid" 2>/dev/null
        if [ -d "$CG" ]; then
                for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"; done
                wait 2>/dev/null
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo 64M > "$CG/memory.limit_in_bytes" || { not_ok "live kmsg: create $CG"; exit 1; }
[ -f "$CG/memory.memsw.limit_in_bytes" ] && echo 64M > "$CG/memory.memsw.limit_in_bytes"
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }
# kill_one: a hog in our cgroup until the kernel kills it; its pid in $hog.
kill_one() {
        sh -c "echo \$\$ > $CG/cgroup.procs; exec \"$HOG\" 256" > /dev/null 2>&1 &
        hog=$!
        wait $hog 2>/dev/null
        hog_rc=$?
}
# start_watch NAME TIMEOUT_MS: kmsgwatch for our cgroup, ready when it says so.
start_watch() {
        "$WATCH" --task-memcg "$REL" "$2" > "$TMP/$1" 2> "$TMP/$1.err" &
        wpid=$!
        wait_for "grep -q ready $TMP/$1" 5
}
# field FILE KEY: KEY's value in the event of our cgroup
field() { awk -v k="$2" -v want="task_memcg=$REL" '
        /^event$/ { n = 0 } { l[n++] = $0 } $0 == want { hit = 1 }
        /^end$/ && hit { for (i = 0; i < n; i++) if (index(l[i], k "=") == 1) { print substr(l[i], length(k) + 2); exit } }' "$1"; }

# 1. An earlier kill, before any reader is open.
kill_one
old=$hog
check "live kmsg: the kernel killed the first hog (status $hog_rc, oom_kill $(oom_kills))" \
        [ "$hog_rc" = 137 -a "$(oom_kills)" = 1 ]

# 2. The reader opens at the end, then the kernel kills a second hog.
start_watch watch 10000 || not_ok "live kmsg: kmsgwatch did not start: $(cat "$TMP/watch.err")"
t0=$(date +%s%N)
kill_one
new=$hog
wait "$wpid"; wrc=$?; wpid=
t1=$(date +%s%N)
diag "kmsgwatch exit $wrc, $(( (t1 - t0) / 1000000 )) ms after the hog started; age at parse $(field "$TMP/watch" age_ms) ms" \
        "$(grep -c '^event$' "$TMP/watch") events seen (other tests' kills count too)"
check "live kmsg: the kernel killed the second hog (status $hog_rc)" [ "$hog_rc" = 137 ]
check "live kmsg: kmsgwatch saw our cgroup's kill (exit $wrc)" [ "$wrc" = 0 ]
check "live kmsg: outcome killed" [ "$(field "$TMP/watch" outcome)" = killed ]
check "live kmsg: pid $new" [ "$(field "$TMP/watch" pid)" = "$new" ]
check "live kmsg: comm hog" [ "$(field "$TMP/watch" comm)" = hog ]
check "live kmsg: constraint CONSTRAINT_MEMCG" [ "$(field "$TMP/watch" constraint)" = CONSTRAINT_MEMCG ]
check "live kmsg: task_memcg is our cgroup" [ "$(field "$TMP/watch" task_memcg)" = "$REL" ]
check "live kmsg: oom_memcg is our cgroup" [ "$(field "$TMP/watch" oom_memcg)" = "$REL" ]
check "live kmsg: anon-rss near the 64 MiB limit" [ "$(field "$TMP/watch" anon_rss_kb)" -gt 50000 ]
not_replayed() { ! grep -qx "pid=$old" "$TMP/watch"; }
check "live kmsg: the earlier kill (pid $old) was not replayed" not_replayed
# The kernel's own count of records it overwrote under this reader.
diag "lost=$(field "$TMP/watch" lost) overwrites=$(field "$TMP/watch" overwrites)"

# 3. Opened after both kills: nothing of our cgroup for a second.
start_watch late 1000 || not_ok "live kmsg: kmsgwatch did not start"
wait "$wpid"; wrc=$?; wpid=
none_late() { [ "$wrc" = 1 ] && ! grep -qx "task_memcg=$REL" "$TMP/late"; }
check "live kmsg: a reader opened after the kills sees none of them (exit $wrc)" none_late
exit $((failures > 0))
