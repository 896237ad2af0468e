#!/bin/bash
# make soak: a bounded run (SOAK_SECONDS, default 600) of a dry-run guard
# under churn: cgroups created and removed (SOAK_CGROUPS at a time, each
# with processes living well under a second) and thousands of short-lived
# processes, its rules firing in dry run on every cgroup. Printed at the
# first and the last minute: open fds, RSS, the tick's p99 (from its own
# histogram in the metrics file), and the fork rate. They must stay flat:
# fds equal, RSS within 10 % (+256 KiB), p99 within 2x (+1 ms). Root, v1
# memory controller; acts only in the cgroups it creates. Not in CI. fds
# and RSS are read with the churn paused and its cgroups gone (the set of
# watched cgroups changes with it), the p99 over the minute of churn.
. "$(dirname "$0")/../lib.sh"
MEMROOT=/sys/fs/cgroup/memory
SECS=${SOAK_SECONDS:-600}
NCG=${SOAK_CGROUPS:-100}
if [ "$(id -u)" != 0 ] || [ ! -f $MEMROOT/memory.limit_in_bytes ]; then
        echo "soak: needs root and a v1 memory controller"; exit 1
fi
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-soak-$$
BASE=$MEMROOT$REL
TMP=$(mktemp -d)
mkdir "$BASE" || exit 1
og= churn=
cleanup() {
        [ -n "$churn" ] && kill "$churn" 2>/dev/null && kill -CONT "$churn" 2>/dev/null && wait "$churn" 2>/dev/null
        [ -n "$og" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null
        wait 2>/dev/null # the churn's last children
        for d in "$BASE"/*/; do
                [ -d "$d" ] || continue
                while read -r p; do kill -9 "$p" 2>/dev/null; done < "$d/cgroup.procs"
                wait_for "rmdir $d 2>/dev/null" 5
        done
        wait_for "rmdir $BASE 2>/dev/null" 10 || echo "soak: could not remove $BASE"
        rm -rf "$TMP"
}
trap cleanup EXIT
cat > "$TMP/conf" <<CONF
[daemon]
dry_run = yes
interval = 100ms
rescan_interval = 2s
metrics_file = $TMP/metrics.prom
metrics_interval = 1s
report_dir =
[cgroup:churn]
path = $REL/*
usage_above = 1%
action = kill
CONF
env -u OOMGUARD_METRICS_FILE "$OOMGUARD" -c "$TMP/conf" --log stderr 2> "$TMP/log" &
og=$!
wait_for "grep -q guarding $TMP/log" 10 || { echo "soak: the guard did not start"; cat "$TMP/log"; exit 1; }

# The churn: each round makes a cgroup, runs 20 short processes in it (one
# holding 8 MiB for a moment: its rule fires), removes it.
(
        i=0
        while :; do
                i=$((i + 1)); d=$BASE/c$((i % NCG))
                mkdir -p "$d" 2>/dev/null && echo 64M > "$d/memory.limit_in_bytes"
                sh -c "echo \$\$ > $d/cgroup.procs; exec $B/helpers/hog 8 0 > /dev/null" 2>/dev/null &
                for _ in $(seq 20); do sh -c "echo \$\$ > $d/cgroup.procs; exec true" 2>/dev/null; done
                wait
                rmdir "$BASE/c$(((i + NCG / 2) % NCG))" 2>/dev/null
        done
) &
churn=$!

# sample: fds RSS(kB) forks(total) and the tick histogram's buckets
fds() { ls /proc/$og/fd | wc -l; }
rss() { awk '/^VmRSS:/ { print $2 }' /proc/$og/status; }
forks() { awk '/^processes/ { print $2 }' /proc/stat; }
buckets() { grep '^oomguard_tick_duration_seconds_bucket' "$TMP/metrics.prom" | sed 's/.*le="\([^"]*\)"} \([0-9]*\)/\1 \2/'; }
# p99 of the ticks between two bucket snapshots A B (files): the first bound
# holding 99 % of the difference
p99() { paste "$1" "$2" | awk '{ le[NR] = $1; d[NR] = $4 - $2 } END { n = d[NR]; for (i = 1; i <= NR; i++) if (d[i] >= 0.99 * n) { print le[i], n; exit } }'; }
empty_all() { # the churn paused, every cgroup of it gone and seen gone
        kill -STOP "$churn"
        for d in "$BASE"/*/; do
                [ -d "$d" ] || continue
                while read -r p; do kill -9 "$p" 2>/dev/null; done < "$d/cgroup.procs"
                wait_for "rmdir $d 2>/dev/null" 5
        done
        sleep 5 # two rescans: their fds closed
}
window() { # NAME: one minute of churn measured, then fds and RSS with no cgroup left
        buckets > "$TMP/$1.b0"; local f0 p n; f0=$(forks); sleep 60
        buckets > "$TMP/$1.b1"
        eval "${1}_forks=$(( ($(forks) - f0) / 60 ))"
        read -r p n <<<"$(p99 "$TMP/$1.b0" "$TMP/$1.b1")"
        eval "${1}_p99=$p ${1}_ticks=$n"
        empty_all
        eval "${1}_fds=$(fds) ${1}_rss=$(rss)"
        kill -CONT "$churn"
}
sleep 10
window first
sleep $((SECS > 150 ? SECS - 130 : 10))
window last
kill -0 "$og" || { echo "soak: the guard died"; tail "$TMP/log"; exit 1; }
printf 'soak: %d s, %d cgroups churning, dry-run rules firing\n' "$SECS" "$NCG"
printf '%-10s %8s %10s %14s %10s %12s\n' window fds "RSS kB" "tick p99 s" ticks "forks/s"
for w in first last; do
        eval "printf '%-10s %8s %10s %14s %10s %12s\n' $w \$${w}_fds \$${w}_rss \$${w}_p99 \$${w}_ticks \$${w}_forks"
done
echo "soak: $(grep -c 'would kill' "$TMP/log") dry-run kills logged, $(grep -ci 'error' "$TMP/log") errors"
awk -v f1="$first_fds" -v f2="$last_fds" -v r1="$first_rss" -v r2="$last_rss" -v p1="$first_p99" -v p2="$last_p99" 'BEGIN {
        bad = 0
        if (f2 != f1) { print "soak: not flat: fds " f1 " -> " f2; bad = 1 }
        if (r2 > r1 * 1.10 + 256) { print "soak: not flat: RSS " r1 " -> " r2 " kB"; bad = 1 }
        if (p2 > p1 * 2 + 0.001) { print "soak: not flat: tick p99 " p1 " -> " p2 " s"; bad = 1 }
        if (!bad) print "soak: flat"
        exit bad
}'
