#!/bin/bash
# Hostile input, live (issue 16): text other users control (process names,
# cmdlines, cgroup names) and a hostile policy file. Process names with
# ')', spaces, newlines, invalid UTF-8 and 15-byte truncation; a 1 MiB
# cmdline full of NULs; a cgroup name with a space, CR, ESC, '..' and
# invalid UTF-8: the victim choice, the kill event (one line, no control
# characters), the report JSON (jq parses it), --status (text and JSON),
# a comm: matcher, the restore file of an oom_handler rule on such a
# cgroup; processes and cgroups vanishing under a dry-run daemon; /proc
# mounted hidepid=2; a 100 MB, a 10,000-section, a 1 MiB-line and a NUL
# policy. oomguard acts only in the cgroups this test creates.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "hostile: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "hostile: no cgroup v1 memory controller at $MEMROOT"; exit 0; fi
command -v jq > /dev/null || { not_ok "hostile: jq missing (make deps installs it)"; exit 1; }
HOG=$(realpath "$B/helpers/hog")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-hostile-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)
chmod 755 "$TMP" # read by uid 65534 in the hidepid case
export OOMGUARD_REPORT_DIR=$TMP/reports
STATE=$TMP/run/restore # ours: another oomguard may own the default one
# A name with a space, CR, ESC, '..' and an invalid UTF-8 byte.
SUB=$'we ird\r\e[31m..x\xff'
HCG=$CG/$SUB
# A control character other than newline, as grep sees it.
CTRL=$'[\x01-\x09\x0b-\x1f\x7f]'

stop_guard() { [ -n "${og:-}" ] && kill "$og" 2> /dev/null && wait "$og" 2> /dev/null; og=; }
empty() { for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2> /dev/null; done < "$1/cgroup.procs"; done; }
cleanup() {
        stop_guard
        if [ -d "$CG" ]; then
                find "$CG" -mindepth 1 -depth -type d -print0 | while IFS= read -r -d '' d; do
                        echo 0 > "$d/memory.oom_control" 2> /dev/null
                        empty "$d"
                done
                empty "$CG"
                wait 2> /dev/null
                find "$CG" -mindepth 1 -depth -type d -print0 | while IFS= read -r -d '' d; do
                        wait_for 'rmdir "$d" 2>/dev/null' 5 || echo "# could not remove $(printf %q "$d")"
                done
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        [ -n "$KEEP_TMP" ] && { echo "# kept $TMP"; return; }
        rm -rf "$TMP"
}
trap cleanup EXIT
KEEP_TMP=${KEEP_TMP:-}
mkdir "$CG" || { not_ok "hostile: create $CG"; exit 1; }
mkdir "$HCG" && echo 256M > "$HCG/memory.limit_in_bytes" || { not_ok "hostile: create $(printf %q "$HCG")"; exit 1; }
oom_kills() { sed -n 's/^oom_kill //p' "$HCG/memory.oom_control"; }
jqe() { jq -e "$@" > /dev/null; }
# in_cg DIR CMD...: CMD inside cgroup DIR (background); pid in $!
in_cg() { sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$@" & }
# one_line_each FILE: every line is a whole log line with no control character
one_line_each() { ! grep -qEv '^oomguard( guardian)?: ' "$1" && ! LC_ALL=C grep -q "$CTRL" "$1"; }

# Names the kernel refuses are cases we cannot build: said, not hidden.
if mkdir "$CG/"$'nl\nx' 2> "$TMP/mkdir.err"; then
        rmdir "$CG/"$'nl\nx'
        not_ok "hostile: this kernel allows a newline in a v1 cgroup name: add that case"
else
        skip "hostile: cgroup name with a newline: the kernel refuses it ($(sed 's/.*: //' "$TMP/mkdir.err"))"
fi
if ln -s "$HCG" "$CG/link" 2> "$TMP/ln.err"; then
        not_ok "hostile: this kernel allows a symlink in cgroupfs: add that case"
else
        skip "hostile: symlink to a cgroup: cgroupfs refuses it ($(sed 's/.*: //' "$TMP/ln.err"))"
fi

# 1. A real daemon on the hostile cgroup (a glob rule), a protected
#    "keep", a "keep\nROGUE" that must not pass for it, and a grower
#    named "ev\nil) R 1 (\xff" with a 1 MiB cmdline of NUL-separated words.
printf '[daemon]\ninterval = 50ms\npost_kill_delay = 100ms\nmax_kills_per_minute = 100\nprotect = comm:^keep$\n[cgroup:test]\npath = %s/we*\nusage_above = 90%%\naction = kill\n' \
        "$REL" > "$TMP/conf"
$OOMGUARD -c "$TMP/conf" --restore-file "$STATE" --log stderr -v 2> "$TMP/log" &
og=$!
wait_for "grep -q guarding $TMP/log" 5
HOG_COMM=keep in_cg "$HCG" "$HOG" 60 0 hold > "$TMP/keep.out"; keep=$!
HOG_COMM=$'keep\nx ROGUE' in_cg "$HCG" "$HOG" 90 0 hold > "$TMP/rogue.out"; rogue=$!
wait_for "grep -q ready $TMP/keep.out && grep -q ready $TMP/rogue.out" 10

# --status while they hold: one row per cgroup, the names defanged.
$OOMGUARD -c "$TMP/conf" --status > "$TMP/status.txt" 2>&1
$OOMGUARD -c "$TMP/conf" --status --json > "$TMP/status.json" 2> "$TMP/status.err"
check "hostile: --status: the newline in a comm starts no line" \
        sh -c "grep -q 'keep?x ROGUE' '$TMP/status.txt' && ! grep -q '^x ROGUE' '$TMP/status.txt'"
check "hostile: --status: the cgroup name is shown without its CR and ESC" \
        grep -qF "$REL/we ird??[31m..x" "$TMP/status.txt"
check "hostile: --status: no control character" sh -c "! LC_ALL=C grep -q '$CTRL' '$TMP/status.txt'"
check "hostile: --status --json: jq parses it" jqe . "$TMP/status.json" > /dev/null
check "hostile: --status --json: the cgroup, its name exact up to the invalid byte" \
        jqe --arg p "$REL/we ird"$'\r\e[31m..x' '[.cgroups[] | select(.path | startswith($p))] | length == 1' "$TMP/status.json"

# The grower: 8 words of 128 KiB and empty ones (runs of NULs) = 1 MiB.
big=$(head -c $((128 * 1024 - 1)) /dev/zero | tr '\0' A)
words=(); for _ in 1 2 3 4 5 6 7 8; do words+=("$big" "" ""); done
before=$(oom_kills)
HOG_COMM=$'ev\nil) R 1 (\xff' in_cg "$HCG" "$HOG" 1024 300 go "${words[@]}" > /dev/null 2>&1; grower=$!
# Deadlines, not waits: a guard that fails to act must not hang the test.
wait_for "! kill -0 $rogue 2>/dev/null && ! kill -0 $grower 2>/dev/null" 15 || kill -9 $rogue $grower 2> /dev/null
wait $rogue 2> /dev/null; rc_rogue=$?
wait $grower 2> /dev/null; rc_grower=$?
logged "$TMP/log" "kill pid $grower" 3
# The status alone could be the deadline's kill -9: the event is the judge.
check "hostile: comm:^keep\$ does not protect 'keep\\nx ROGUE': killed (status $rc_rogue)" \
        grep -qF "kill pid $rogue (keep?x ROGUE): rule test" "$TMP/log"
check "hostile: the real 'keep' (protected) lives" kill -0 $keep
check "hostile: the grower 'ev\\nil) R 1 (' was killed (status $rc_grower)" grep -q "kill pid $grower " "$TMP/log"
check "hostile: its comm was parsed at the last ')'" grep -qF "kill pid $grower (ev?il) R 1 (" "$TMP/log"
check "hostile: kernel oom_kill stayed $before" [ "$(oom_kills)" = "$before" ]
check "hostile: every log line is one line: no forged line, no control character" one_line_each "$TMP/log"
stop_guard
diag "$(grep -a "kill pid $grower" "$TMP/log" | cut -c1-160)"
reports=("$OOMGUARD_REPORT_DIR"/*.json)
ok_json=0; for f in "${reports[@]}"; do jq -e . "$f" > /dev/null 2>&1 && ok_json=$((ok_json + 1)); done
check "hostile: reports: jq parses all ${#reports[@]} ($ok_json)" [ "${#reports[@]}" -ge 2 -a "$ok_json" = "${#reports[@]}" ]
rep=$(for f in "${reports[@]}"; do jqe --argjson p $grower '.victim.pid == $p' "$f" && echo "$f"; done | head -1)
check "hostile: report: the comm exact (newline and ')' kept, escaped)" \
        jqe --arg c $'ev\nil) R 1 (' '.victim.comm | startswith($c)' "$rep"
check "hostile: report: the 1 MiB cmdline cut, its words kept apart" \
        jqe '.victim.cmdline_cut and (.victim.cmdline | startswith("'"$HOG"' 1024 300 go AAAA"))' "$rep"
check "hostile: report: the cgroup path exact up to the invalid byte" \
        jqe --arg p "$REL/we ird"$'\r\e[31m..x' '.cgroup.path | startswith($p)' "$rep"
kill $keep; wait $keep 2> /dev/null

# 2. 15-byte truncation: a file with a long name runs as its first 15
#    bytes, and the event names it so (the matcher sees the same).
ln -s "$HOG" "$TMP/a-very-long-hog-name"
printf '[daemon]\ninterval = 50ms\npost_kill_delay = 100ms\nprotect = comm:^a-very-long-hog-name$\n[cgroup:test]\npath = %s/we*\nusage_above = 90%%\naction = kill\n' \
        "$REL" > "$TMP/conf"
$OOMGUARD -c "$TMP/conf" --restore-file "$STATE" --log stderr 2> "$TMP/log" &
og=$!
wait_for "grep -q guarding $TMP/log" 5
in_cg "$HCG" "$TMP/a-very-long-hog-name" 1024 300 > /dev/null 2>&1; long=$!
wait_for "! kill -0 $long 2>/dev/null" 10 || kill -9 $long
wait $long 2> /dev/null; rc=$?
check "hostile: the 15-byte comm is no match for the full name: killed (status $rc)" \
        logged "$TMP/log" "kill pid $long (a-very-long-hog): rule test"
rep=$(for f in "$OOMGUARD_REPORT_DIR"/*.json; do jqe --argjson p $long '.victim.pid == $p' "$f" && echo "$f"; done | head -1)
check "hostile: its report names it by its 15 bytes" jqe '.victim.comm == "a-very-long-hog"' "$rep"
stop_guard

# 3. The restore file of an oom_handler rule on the hostile cgroup: its
#    line is "KEY ORIGINAL OURS PATH" to the end of the line (the space,
#    CR and ESC in PATH kept), and the guardian puts the value back from
#    it after a SIGKILL.
printf '[daemon]\ninterval = 100ms\n[cgroup:oh]\npath = %s/we*\naction = kill\noom_handler = yes\n' "$REL" > "$TMP/conf"
$OOMGUARD -c "$TMP/conf" --restore-file "$STATE" --log stderr 2> "$TMP/log3" &
og=$!
wait_for "grep -q guarding $TMP/log3" 5
disabled() { grep -qx "oom_kill_disable $1" "$HCG/memory.oom_control"; }
check "hostile: oom_handler on the hostile cgroup: oom_kill_disable set" wait_for "disabled 1" 3
check "hostile: its restore line holds the whole path" grep -qxF "oom_kill_disable 0 1 $HCG/memory.oom_control" "$STATE"
kill -9 $og; wait $og 2> /dev/null; og=
check "hostile: after SIGKILL the guardian put oom_kill_disable back from that line" wait_for "disabled 0" 5
check "hostile: oom_handler: every log line is one line" one_line_each "$TMP/log3"

# 4. Churn: cgroups (named with spaces) and short-lived processes come
#    and go under a dry-run daemon whose rule fires on each of them. It
#    survives, logs no error, and its lines stay bounded.
printf '[daemon]\ninterval = 20ms\nrescan_interval = 50ms\n[cgroup:churn]\npath = %s/ch */*\nusage_above = 1%%\naction = kill\n' "$REL" > "$TMP/conf"
$OOMGUARD -c "$TMP/conf" --dry-run --restore-file "$STATE" --log stderr 2> "$TMP/log4" &
og=$!
wait_for "grep -q guarding $TMP/log4" 5
N=40
for i in $(seq $N); do
        d="$CG/ch $((i % 4))"
        mkdir -p "$d/c $i" && echo 64M > "$d/c $i/memory.limit_in_bytes"
        in_cg "$d/c $i" "$HOG" 4 0 hold > /dev/null 2>&1; h=$!
        shorts=""
        for _ in 1 2 3 4 5; do in_cg "$d/c $i" true; shorts="$shorts $!"; done
        sleep 0.05
        kill -9 $h; wait $h $shorts 2> /dev/null # not the daemon
        rmdir "$d/c $i"
done
sleep 0.3
check "hostile: churn: the daemon survived $N cgroups and $((N * 6)) processes" kill -0 $og
stop_guard
lines=$(wc -l < "$TMP/log4")
diag "churn: $lines log lines for $N cgroups: $(grep -c 'would kill' "$TMP/log4") would-kill, $(grep -c ': warning:' "$TMP/log4") warnings, $(grep -c ': error:' "$TMP/log4") errors"
check "hostile: churn: no error logged" sh -c "! grep -q ': error:' '$TMP/log4'"
check "hostile: churn: log lines bounded ($lines <= $((4 * N + 20)))" [ "$lines" -le $((4 * N + 20)) ]
check "hostile: churn: rules fired (dry run)" grep -q "dry-run: would kill" "$TMP/log4"
rmdir "$CG"/ch\ * 2> /dev/null

# 5. Hostile policy files: 100 MB refused fast and unread, 10,000
#    sections load in well under 2 s, a 1 MiB line and a NUL byte are
#    file:line errors, /dev/zero ends.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
{ echo '[daemon]'; head -c 100000000 /dev/zero | tr '\0' '#' | fold -w 99; } > "$TMP/big.conf" 2> /dev/null
t0=$EPOCHREALTIME; $OOMGUARD -c "$TMP/big.conf" --check-config > "$TMP/big.out" 2>&1; rc=$?; t1=$EPOCHREALTIME
diag "100 MB policy: refused in $(secs "$t0" "$t1") s: $(head -1 "$TMP/big.out")"
check "hostile: a 100 MB policy is refused (status $rc)" grep -q "^$TMP/big.conf: too big: 10[0-9]* bytes (max 16 MiB)$" "$TMP/big.out"
check "hostile: ... in under 0.5 s" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.5) }'
awk -v r="$REL" 'BEGIN { for (i = 0; i < 10000; i++) printf "[cgroup:r%d]\npath = %s/r%d\nusage_above = 90%%\naction = warn\n\n", i, r, i }' > "$TMP/many.conf"
t0=$EPOCHREALTIME; $OOMGUARD -c "$TMP/many.conf" --check-config > /dev/null 2> "$TMP/many.err"; rc=$?; t1=$EPOCHREALTIME
diag "10,000 sections: loaded (--check-config) in $(secs "$t0" "$t1") s"
check "hostile: 10,000 sections load (status $rc)" [ $rc = 0 ]
check "hostile: ... in under 2 s" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 2) }'
{ printf '[daemon]\ninterval = '; head -c $((1 << 20)) /dev/zero | tr '\0' 1; printf '\n[cgroup:x]\npath = /x\nusage_above = 90%%\n'; } > "$TMP/long.conf"
$OOMGUARD -c "$TMP/long.conf" --check-config > "$TMP/long.out" 2>&1
check "hostile: a 1 MiB line is a file:line error" grep -qx "$TMP/long.conf:2: line too long (max 1024)" "$TMP/long.out"
printf '[daemon]\ninterval = 1\0s\n[cgroup:x]\npath = /x\nusage_above = 90%%\n' > "$TMP/nul.conf"
$OOMGUARD -c "$TMP/nul.conf" --check-config > "$TMP/nul.out" 2>&1
check "hostile: a NUL byte is a file:line error" grep -qx "$TMP/nul.conf:2: line contains a NUL byte" "$TMP/nul.out"
timeout 10 $OOMGUARD -c /dev/zero --check-config > "$TMP/zero.out" 2>&1; rc=$?
check "hostile: -c /dev/zero ends, too big (status $rc)" grep -qx "/dev/zero: too big: more than 16 MiB" "$TMP/zero.out"
rm -f "$TMP/big.conf"

# 6. /proc mounted hidepid=2 (a fresh proc in a private mount namespace:
#    the host's /proc is untouched): root still sees every process; a
#    non-root --status says what it cannot see instead of showing the
#    cgroup empty.
printf '[cgroup:hp]\npath = %s/we*\nusage_above = 90%%\naction = kill\n' "$REL" > "$TMP/hp.conf"
chmod 644 "$TMP/hp.conf"
HOG_COMM=hidden in_cg "$HCG" "$HOG" 30 0 hold > "$TMP/hp.out"; hp=$!
wait_for "grep -q ready $TMP/hp.out" 5
OG=$(realpath "$OOMGUARD")
# shellcheck disable=SC2016
if unshare --mount --propagation private --fork sh -c 'mount -t proc -o hidepid=2 proc /proc' 2> "$TMP/hp.err"; then
        unshare --mount --propagation private --fork sh -c '
                mount -t proc -o hidepid=2 proc /proc || exit 1
                "$1" -c "$2/hp.conf" --status --json > "$2/hp-root.json" 2>&1
                setpriv --reuid=65534 --regid=65534 --clear-groups "$1" -c "$2/hp.conf" --status > "$2/hp-user.txt" 2>&1
                echo $? > "$2/hp-user.rc"
                setpriv --reuid=65534 --regid=65534 --clear-groups "$1" -c "$2/hp.conf" --status --json > "$2/hp-user.json" 2>&1
                grep -o "hidepid=[a-z0-9]*" /proc/mounts | head -1 > "$2/hp.mode"' sh "$OG" "$TMP"
        diag "hidepid: /proc mounted $(cat "$TMP/hp.mode"); as uid 65534: $(grep '^processes:' "$TMP/hp-user.txt")"
        check "hostile: hidepid=2: root's --status still sees the biggest process" \
                jqe --argjson p $hp '[.cgroups[] | select(.biggest.pid == $p)] | length == 1' "$TMP/hp-root.json"
        check "hostile: hidepid=2: root's --status: nothing said hidden" jqe '.processes_hidden == null' "$TMP/hp-root.json"
        check "hostile: hidepid=2: a non-root --status works (status $(cat "$TMP/hp-user.rc"))" [ "$(cat "$TMP/hp-user.rc")" = 0 ]
        check "hostile: hidepid=2: ... and says what it cannot see" \
                grep -q "^processes: only uid 65534's own: /proc hides other users' processes (hidepid)" "$TMP/hp-user.txt"
        check "hostile: hidepid=2: ... in its JSON too" jqe '.processes_hidden | startswith("only uid 65534")' "$TMP/hp-user.json"
else
        skip "hostile: hidepid=2: cannot mount a proc here ($(head -1 "$TMP/hp.err"))"
fi
kill $hp; wait $hp 2> /dev/null
exit $((failures > 0))
