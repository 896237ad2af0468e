#!/bin/bash
# oomguard --report over report files (no root):
#   1. the fixtures (tests/fixtures/reports/dir/, written by
#      `reportcost fixtures`: a kill in a v1 cgroup, a kernel OOM kill of
#      a process named with terminal escapes, a warning on the machine)
#      are what the writer writes today, and valid JSON for jq and python;
#   2. list, last, an ID, the start of one, for a person against the
#      golden tests/fixtures/reports/*.expected, no control character
#      reaching the terminal; --json: the file byte for byte, list as an
#      array; unknown, ambiguous, broken: exit 1 with why; a directory
#      with no reports;
#   3. where the reports are: --report-dir, the policy's report_dir (-c),
#      reports off; the usage errors (exit 2);
#   4. reports written by the store (reportcost write): listed, the newest
#      last, 0640 in a 0750 directory, report_max_files kept.
# UPDATE_GOLDEN=1 rewrites the fixtures and the expected outputs (review
# the diff).
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.." || exit 1
case $OOMGUARD in /*) ;; *) OOMGUARD=$PWD/$OOMGUARD ;; esac
TOOL=$B/bench/reportcost
FX=tests/fixtures/reports
DIR=$FX/dir
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
jqc() { jq -e "$@" > /dev/null; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [ ! -x "$TOOL" ] || [ ! -x "$OOMGUARD" ]; then
        not_ok "report: $TOOL or $OOMGUARD not built"
        exit 1
fi
ID1=20261201T102233.123Z-4711-0001
ID2=20261201T102234.623Z-4711-0002
ID3=20261201T102333.123Z-4711-0003

# golden NAME ARGS...: oomguard --report ARGS against $FX/NAME.expected
golden() {
        local name=$1; shift
        "$OOMGUARD" --report "$@" > "$TMP/$name.out" 2> "$TMP/$name.err"
        local rc=$?
        if [ -n "${UPDATE_GOLDEN:-}" ]; then cp "$TMP/$name.out" "$FX/$name.expected"; fi
        if [ $rc -eq 0 ] && cmp -s "$TMP/$name.out" "$FX/$name.expected"; then
                ok "report: --report $* as $FX/$name.expected"
        else
                not_ok "report: --report $* as $FX/$name.expected (exit $rc)"
                diff "$FX/$name.expected" "$TMP/$name.out" | head -20 | sed 's/^/# /'
                sed 's/^/# stderr: /' "$TMP/$name.err"
        fi
}

# 1. The fixtures.
"$TOOL" fixtures "$TMP/fx" 2> "$TMP/fx.err"
if [ -n "${UPDATE_GOLDEN:-}" ]; then rm -rf "$DIR"; mkdir -p "$DIR"; cp "$TMP"/fx/*.json "$DIR/"; fi
check "report: the fixtures are what the writer writes (UPDATE_GOLDEN=1 rewrites them)" diff -r "$TMP/fx" "$DIR"
valid=0
for f in "$DIR"/*.json; do
        jq -e '.version == 1 and (.kind | type == "string")' "$f" > /dev/null &&
                $PY -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$f" && valid=$((valid + 1))
done
check "report: 3 fixtures, valid JSON for jq and python" test "$valid" = 3
check "report: the kill's fields (jq)" jqc '.kind == "action" and .victim.pid == 4711 and
        .cgroup.limit_bytes == 268435456 and .cgroup.high_bytes == null and .tasks.processes == 3 and
        .freed_bytes == (.cgroup.usage_bytes - .cgroup.usage_after_bytes) and (.tree | length) == 4 and
        .tree[2].relation == "victim" and .container.runtime == "docker" and .pod == null and
        .machine.watermarks[1].zone == "Normal" and .time == "2026-12-01T10:22:33.123Z" and
        (has("kernel") | not)' "$DIR/$ID1.json"
check "report: the kernel kill's fields (jq)" jqc '.kind == "kernel-oom-kill" and .rule == null and
        .kernel.constraint == "CONSTRAINT_MEMCG" and .kernel.anon_rss_bytes == 251658240 and
        .victim.comm == "evil\u001b[2J\u009b31m\u00ff" and .pod.qos == "burstable"' "$DIR/$ID2.json"

# 2. For a person, and for scripts.
golden list list --report-dir "$DIR"
golden "$ID1" "$ID1" --report-dir "$DIR"
golden "$ID2" "$ID2" --report-dir "$DIR"
golden "$ID3" last --report-dir "$DIR"
"$OOMGUARD" --report 20261201T102234 --report-dir "$DIR" > "$TMP/prefix.out"
check "report: the start of one id names it" cmp -s "$TMP/prefix.out" "$FX/$ID2.expected"
"$OOMGUARD" --report "$ID2.json" --report-dir "$DIR" > "$TMP/name.out"
check "report: a file name names it" cmp -s "$TMP/name.out" "$FX/$ID2.expected"
"$OOMGUARD" --report "$PWD/$DIR/$ID3.json" > "$TMP/path.out"
check "report: a path is read as is (no directory needed)" grep -q "^warning report $ID3" "$TMP/path.out"
# An empty report directory (a fresh install's) lists nothing, and a
# sanitized build once stopped there (qsort of no names, a NULL array).
mkdir "$TMP/empty"
"$OOMGUARD" --report "$PWD/$DIR/$ID3.json" --report-dir "$TMP/empty" > "$TMP/path2.out"
check "report: a path is read as is beside an empty report directory" grep -q "^warning report $ID3" "$TMP/path2.out"
out=$("$OOMGUARD" --report list --report-dir "$TMP/empty" 2>&1); rc=$?
check "report: an empty directory's list says so (exit $rc: $out)" [ $rc = 0 -a "$out" = "oomguard: no reports in $TMP/empty" ]
if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$FX"/*.expected "$TMP/prefix.out"; then
        not_ok "report: no control character reaches the terminal"
else
        ok "report: no control character reaches the terminal"
fi
for id in $ID1 $ID2 $ID3; do
        "$OOMGUARD" --report "$id" --json --report-dir "$DIR" > "$TMP/$id.json"
        check "report: --report $id --json is the file, byte for byte" cmp -s "$TMP/$id.json" "$DIR/$id.json"
done
"$OOMGUARD" --report list --json --report-dir "$DIR" > "$TMP/list.json"
check "report: list --json" jqc 'length == 3 and .[0].id == "'$ID1'" and .[2].kind == "warning" and
        .[0].freed_bytes == 257482752 and .[0].victim_comm == "java" and .[2].victim_pid == null and
        (.[1].file | endswith("'$ID2'.json"))' "$TMP/list.json"
check "report: list --json is valid for python" $PY -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/list.json"

expect_fail() { # NAME PATTERN ARGS...: exit 1, PATTERN on stderr
        local name=$1 pattern=$2; shift 2
        "$OOMGUARD" "$@" > "$TMP/fail.out" 2> "$TMP/fail.err"
        local rc=$?
        if [ $rc -eq 1 ] && grep -q -- "$pattern" "$TMP/fail.err"; then
                ok "report: $name: exit 1, \"$pattern\""
        else
                not_ok "report: $name: exit $rc"
                sed 's/^/# /' "$TMP/fail.err"
        fi
}
expect_fail "no such report" "nosuch: no such report in $DIR" --report nosuch --report-dir "$DIR"
expect_fail "an ambiguous start" "2026: 3 reports in $DIR begin so" --report 2026 --report-dir "$DIR"
mkdir -p "$TMP/broken"
cp "$DIR"/*.json "$TMP/broken/"
head -c 1000 "$DIR/$ID2.json" > "$TMP/broken/$ID2.json"
echo '{"a": 1}' > "$TMP/broken/20261201T102400.000Z-1-0001.json"
expect_fail "a file cut short" "$ID2.json: not valid JSON" --report "$ID2" --report-dir "$TMP/broken"
expect_fail "a JSON file that is no report" "not an oomguard report" --report last --report-dir "$TMP/broken"
"$OOMGUARD" --report list --report-dir "$TMP/broken" > "$TMP/broken.out"; rc=$?
check "report: list shows what does not read and goes on (exit $rc)" eval \
        '[ $rc = 0 ] && grep -q "^$ID2.json *unreadable: not valid JSON" "$TMP/broken.out" &&
         grep -q "^20261201T102400.000Z-1-0001.json *unreadable: not an oomguard report" "$TMP/broken.out" &&
         grep -q "^2026-12-01T10:23:33.123Z warning" "$TMP/broken.out"'
"$OOMGUARD" --report list --report-dir "$TMP/none" > "$TMP/none.out" 2> "$TMP/none.err"; rc=$?
check "report: list of a directory not made yet: nothing, exit 0" eval \
        '[ $rc = 0 ] && [ ! -s "$TMP/none.out" ] && grep -q "no reports in $TMP/none" "$TMP/none.err"'
expect_fail "last of no reports" "no reports in $TMP/none" --report last --report-dir "$TMP/none"

# 3. Where they are; usage.
printf '[daemon]\nreport_dir = %s/\n[global]\npsi_full_avg10_above = 40\n' "$PWD/$DIR" > "$TMP/conf"
"$OOMGUARD" --report last -c "$TMP/conf" > "$TMP/conf.out"
check "report: the policy's report_dir (-c)" grep -q "^warning report $ID3" "$TMP/conf.out"
printf '[daemon]\nreport_dir =\n[global]\npsi_full_avg10_above = 40\n' > "$TMP/off.conf"
expect_fail "reports off" "reports are off (report_dir is empty in $TMP/off.conf)" --report list -c "$TMP/off.conf"
expect_fail "a bad policy file" "report_max_files: must be greater than 0" --report list -c tests/badconf/61-report-max-files-zero.conf
"$OOMGUARD" --report last -c "$TMP/off.conf" --report-dir "$DIR" > /dev/null
check "report: --report-dir wins over the policy (no policy read)" test $? = 0
usage() { # ARGS...: exit 2
        "$OOMGUARD" "$@" > /dev/null 2> "$TMP/usage.err"
        local rc=$?
        check "report: usage error (exit $rc): $*" test $rc = 2
}
usage --report-dir "$DIR"
usage --report last --status
usage --report last -n
usage --json
usage --report
usage --report last --all

# 4. Written by the store.
W=$TMP/written/var/lib/oomguard/reports
"$TOOL" write "$W" 12 5 > "$TMP/write.out" 2> "$TMP/write.err"
check "report: the store wrote 12 and kept 5 (report_max_files)" eval \
        'grep -qx "written 12 dropped 0 removed 7" "$TMP/write.out" && [ $(ls "$W" | wc -l) = 5 ] && [ ! -s "$TMP/write.err" ]'
check "report: the directory is 0750, the files 0640" eval \
        '[ $(stat -c %a "$W") = 750 ] && [ -z "$(find "$W" -type f ! -perm 0640)" ]'
"$OOMGUARD" --report list --report-dir "$W" > "$TMP/w.list"
check "report: listed, oldest first" eval '[ $(wc -l < "$TMP/w.list") = 6 ] && sort -c <(tail -n +2 "$TMP/w.list")'
newest=$(ls "$W" | sort | tail -1)
"$OOMGUARD" --report last --report-dir "$W" > "$TMP/w.last"
check "report: last is the newest" grep -q "^action report ${newest%.json} on " "$TMP/w.last"
exit $((failures > 0))
