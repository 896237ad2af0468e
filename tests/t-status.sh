#!/bin/bash
# --status with no policy file, the command line and its exit codes.
#   1. the command line: --help names every option of main.c's table,
#      --version, exit codes 0 / 1 / 2 (oomguard(8), EXIT STATUS);
#   2. fixture trees (tests/scenarios/NAME/root): the text output against
#      the golden NAME/status, with and without the scenario's policy
#      (UPDATE_GOLDEN=1 rewrites them: review the diff);
#   3. live, root, v1 (no policy file): two limited cgroups of ours at two
#      fill levels, a hog in each (tests/helpers/hog), and 24 empty limited
#      ones: listed, the fuller first, the numbers within 2 MiB of the
#      kernel's files, the hog as the biggest process, top 20 vs --all,
#      text and JSON alike.
# OOMGUARD_STATUS_SCALE=N (off in make check) also times --status with N
# more limited cgroups (the figure in oomguard(8), STATUS).
. "$(dirname "$0")/lib.sh"
export -f near
jqc() { jq -e "$@" > /dev/null; }
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
TMP=$(mktemp -d)
CGS=()
cleanup() {
        local d p
        exec 2> /dev/null # the shell's "Killed" notes about the hogs
        for d in "${CGS[@]}"; do
                [ -d "$d" ] || continue
                for _ in 1 2 3; do
                        while read -r p; do kill -9 "$p" 2>/dev/null; done < "$d/cgroup.procs"
                done
        done
        wait 2>/dev/null
        # deepest first
        for ((i = ${#CGS[@]} - 1; i >= 0; i--)); do
                d=${CGS[i]}
                [ -d "$d" ] && { wait_for "rmdir '$d' 2>/dev/null" 5 || echo "# could not remove $d"; }
        done
        rm -rf "$TMP"
}
trap cleanup EXIT

# 1. The command line.
$OOMGUARD --help > "$TMP/help"; rc=$?
check "status: --help exits 0" [ $rc = 0 ]
missing=$(sed -n '/longopts\[\] = {/,/{ 0 }/p' src/daemon/main.c | grep -o '{ "[a-z-]*"' | tr -d '{" ' |
        while read -r opt; do grep -qE -- "^ +(-[a-zA-Z], )?--$opt( |\$)" "$TMP/help" || echo "--$opt"; done)
diag "options missing from --help: ${missing:-none}"
check "status: --help names every long option of main.c" [ -z "$missing" ]
check "status: --help names -c -n -v -h" bash -c "grep -q -- '-c, --config' $TMP/help && grep -q -- '-n, --check-config' $TMP/help &&
        grep -q -- '-v, --verbose' $TMP/help && grep -q -- '-h, --help' $TMP/help"
version=$($OOMGUARD --version); rc=$?
check "status: --version prints 'oomguard X.Y.Z', exits 0 ($version)" \
        bash -c "[ $rc = 0 ] && grep -qxE 'oomguard [0-9]+\.[0-9]+\.[0-9]+' <<< '$version'"
check "status: the man page is of the same version" grep -q "\"oomguard ${version#oomguard }\"" man/oomguard.8
# A mode that should have been refused would run the daemon: bounded.
exit_code() { timeout 10 "$@" > /dev/null 2>&1; echo $?; }
check "status: unknown option exits 2" [ "$(exit_code $OOMGUARD --no-such-option)" = 2 ]
check "status: stray argument exits 2" [ "$(exit_code $OOMGUARD --status extra)" = 2 ]
check "status: --ticks garbage exits 2" [ "$(exit_code $OOMGUARD --ticks 3x)" = 2 ]
check "status: --json without --status exits 2" [ "$(exit_code $OOMGUARD --json)" = 2 ]
check "status: --all without --status exits 2" [ "$(exit_code $OOMGUARD --all -n)" = 2 ]
check "status: --status with --restore exits 2" [ "$(exit_code $OOMGUARD --status --restore)" = 2 ]
check "status: -c FILE that does not exist exits 1" [ "$(exit_code $OOMGUARD --status -c "$TMP/none.conf")" = 1 ]
printf '[cgroup:x]\npath = /x\nusage_above = 200%%\n' > "$TMP/bad.conf"
check "status: a bad policy exits 1" [ "$(exit_code $OOMGUARD --status -c "$TMP/bad.conf")" = 1 ]
check "status: -n on a bad policy exits 1" [ "$(exit_code $OOMGUARD -n -c "$TMP/bad.conf")" = 1 ]
check "status: --restore with nothing to restore exits 0" \
        [ "$(exit_code $OOMGUARD --restore --restore-file "$TMP/none.restore")" = 0 ]

# Without -c, --status uses the default file when it exists: the no-policy
# parts need it absent (its path is the one --help names).
DEFAULT=$(sed -n 's/^ *-c, --config FILE *policy file (default \([^;)]*\).*/\1/p' "$TMP/help")
diag "default policy file: $DEFAULT"
no_default=1
if [ -z "$DEFAULT" ] || [ -e "$DEFAULT" ]; then no_default=0; fi

# 2. Fixture trees: the text output, golden.
golden() { # NAME OUTPUT-FILE ARGS...
        local name=$1 file=$2; shift 2
        $OOMGUARD --root "tests/scenarios/$name/root" --status "$@" > "$TMP/out" 2> "$TMP/err"
        local rc=$?
        if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$TMP/out" "tests/scenarios/$name/$file"; fi
        if [ $rc = 0 ] && diff -u "tests/scenarios/$name/$file" "$TMP/out" > "$TMP/diff"; then
                ok "status: fixture $name ($file)"
        else
                not_ok "status: fixture $name ($file), exit $rc"
                diag "$(cat "$TMP/diff" "$TMP/err")"
        fi
}
for name in v2-pod-over-limit v1-hostile-names victim-choice supervisor-first v1-containers; do
        golden $name status -c "tests/scenarios/$name/conf"
done
if [ $no_default = 1 ]; then
        golden v2-pod-over-limit status-nopolicy
        golden victim-choice status-nopolicy
        $OOMGUARD --root tests/scenarios/v2-pod-over-limit/root --status --json > "$TMP/fx.json" 2>&1
        check "status: fixture --json: no policy, 3 limited cgroups, the fullest first" jqc \
                '.config == null and .cgroups_total == 3 and ([.cgroups[].path] == ["/kubepods/pod-a",
                "/kubepods/pod-a/inner", "/kubepods/pod-b"]) and ([.cgroups[].rule] | all(. == null))' "$TMP/fx.json"
        check "status: fixture --json: biggest process and tasks" jqc '.cgroups[0].biggest ==
                {"pid":103,"comm":"java","rss":614400000} and .cgroups[0].tasks.processes == 3' "$TMP/fx.json"
else
        skip "status: fixture without a policy: $DEFAULT exists"
fi
$OOMGUARD --root tests/scenarios/v2-pod-over-limit/root -c tests/scenarios/v2-pod-over-limit/conf --status --json \
        > "$TMP/fxc.json" 2>&1
check "status: fixture --json with a policy: rule per cgroup, unlimited watched one last, decision" jqc \
        '.config == "tests/scenarios/v2-pod-over-limit/conf" and .cgroups_total == 4 and
        ([.cgroups[] | [.path, .rule]] == [["/kubepods/pod-a","pods"], ["/kubepods/pod-a/inner",null],
        ["/kubepods/pod-b","pods"], ["/kubepods/pod-c","pods"]]) and .cgroups[3].percent_of_limit == null and
        .cgroups[3].limit == null and (.decisions | map(.cgroup) == ["/kubepods/pod-a"])' "$TMP/fxc.json"

$OOMGUARD --root tests/scenarios/v1-containers/root --status --json > "$TMP/ct.json" 2>&1
check "status: fixture --json: container and pod of each cgroup, null where none" jqc \
        '[.cgroups[] | [.container.runtime, (.container.id // "")[0:12], .pod.uid, .pod.qos]] ==
        [["containerd","3f1c0a9d4e5b","5f8c1a2e-6b1d-4b3a-9c1e-2a4f6d8e0b1c","burstable"],
        [null,"","5f8c1a2e-6b1d-4b3a-9c1e-2a4f6d8e0b1c","burstable"], ["docker","0123456789ab",null,null],
        [null,"",null,null]] and .cgroups[3].container == null and .cgroups[3].pod == null' "$TMP/ct.json"

# 3. Live: this machine's v1 memory hierarchy, no policy file.
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "status live: needs root to create memory cgroups"; exit $((failures > 0)); fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then
        skip "status live: no cgroup v1 memory controller at $MEMROOT"; exit $((failures > 0))
fi
if [ $no_default = 0 ]; then skip "status live: $DEFAULT exists, --status would load it"; exit $((failures > 0)); fi
command -v jq > /dev/null || { not_ok "status live: jq missing (make deps installs it)"; exit 1; }
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-status-$$
CG=$MEMROOT$REL
mkdir "$CG" && CGS+=("$CG") || { not_ok "status live: create $CG"; exit 1; }
for c in full half $(seq -f 'e%02g' 0 23); do
        mkdir "$CG/$c" && CGS+=("$CG/$c") && echo 64M > "$CG/$c/memory.limit_in_bytes" ||
                { not_ok "status live: create $CG/$c"; exit 1; }
done
start_hog() { # CGROUP MIB
        sh -c "echo \$\$ > $CG/$1/cgroup.procs; exec $B/helpers/hog $2 0 hold" > "$TMP/$1.out" &
        echo $! > "$TMP/$1.pid"
        wait_for "grep -q ready $TMP/$1.out" 10
}
start_hog full 48 && start_hog half 20 || { not_ok "status live: the hogs did not start"; exit 1; }
HOG_FULL=$(cat "$TMP/full.pid") HOG_HALF=$(cat "$TMP/half.pid")
mine=$(printf '%s\n' "${CGS[@]#$MEMROOT}" | tail -n +2) # the 26 limited ones

$OOMGUARD --status --json > "$TMP/s.json" 2> "$TMP/s.err"; rc=$?
usage=$(cat "$CG/full/memory.usage_in_bytes")
inactive=$(sed -n 's/^total_inactive_file //p' "$CG/full/memory.stat")
failcnt=$(cat "$CG/full/memory.failcnt")
rss=$(( $(awk '$1 == "VmRSS:" { print $2 }' /proc/$HOG_FULL/status) * 1024 ))
full=$(jq -c --arg p "$REL/full" '.cgroups[] | select(.path == $p)' "$TMP/s.json")
diag "kernel: usage $usage inactive_file $inactive failcnt $failcnt hog VmRSS $rss" "oomguard: $full"
check "status live: --status without a policy file exits 0, JSON parses" \
        bash -c "[ $rc = 0 ] && jq -e '.config == null' $TMP/s.json > /dev/null"
check "status live: our cgroup is listed, no rule" [ -n "$full" -a "$(jq -r .rule <<< "$full")" = null ]
check "status live: limit is the kernel's (64 MiB)" [ "$(jq -r .limit <<< "$full")" = 67108864 ]
check "status live: usage within 2 MiB of memory.usage_in_bytes" near "$(jq -r .usage <<< "$full")" "$usage" 2097152
check "status live: working set within 2 MiB of usage - total_inactive_file" \
        near "$(jq -r .working_set <<< "$full")" $((usage - inactive)) 2097152
check "status live: percent of limit is the kernel's (±3)" \
        near "$(jq -r '.percent_of_limit | floor' <<< "$full")" $(( (usage - inactive) * 100 / 67108864 )) 3
check "status live: failcnt is memory.failcnt, its rate a number" \
        jqc --argjson f "$failcnt" '.failcnt == $f and (.failcnt_rate | type == "number")' <<< "$full"
check "status live: one process, and it is the biggest: the hog" jqc --argjson p "$HOG_FULL" \
        '.tasks.processes == 1 and .biggest.pid == $p and .biggest.comm == "hog"' <<< "$full"
check "status live: biggest RSS within 2 MiB of the hog's VmRSS" near "$(jq -r .biggest.rss <<< "$full")" $rss 2097152
check "status live: biggest RSS holds the hog's 48 MiB" [ "$(jq -r .biggest.rss <<< "$full")" -ge $((48 << 20)) ]
order=$(jq -r --arg f "$REL/full" --arg h "$REL/half" \
        '[.cgroups[].path] | [index($f), index($h)] | map(tostring) | join(" ")' "$TMP/s.json")
diag "positions of full and half: $order"
check "status live: the fuller cgroup (75 %) before the other (31 %)" \
        bash -c "read a b <<< '$order'; [ \"\$a\" != null ] && [ \"\$b\" != null ] && [ \$a -lt \$b ]"
check "status live: the list is ordered by percent of limit" jqc \
        '[.cgroups[] | select(.valid) | .percent_of_limit // -1] | . == (sort | reverse)' "$TMP/s.json"
total=$(jq -r .cgroups_total "$TMP/s.json")
check "status live: top 20 of $total (at least our 26)" \
        bash -c "[ $total -ge 26 ] && jq -e '.cgroups | length == 20' $TMP/s.json > /dev/null"

$OOMGUARD --status --all --json > "$TMP/all.json" 2>&1
check "status live: --all lists every one" jqc '(.cgroups | length) == .cgroups_total and .cgroups_total >= 26' \
        "$TMP/all.json"
absent=$(grep -cvxF -f <(jq -r '.cgroups[].path' "$TMP/all.json") <<< "$mine")
check "status live: --all lists all 26 of ours ($absent missing)" [ "$absent" = 0 ]
half=$(jq -c --arg p "$REL/half" '.cgroups[] | select(.path == $p)' "$TMP/all.json")
rss_half=$(( $(awk '$1 == "VmRSS:" { print $2 }' /proc/$HOG_HALF/status) * 1024 ))
check "status live: the other cgroup's biggest is its own hog, its VmRSS (±2 MiB)" \
        bash -c "jq -e --argjson p $HOG_HALF '.biggest.pid == \$p' <<< '$half' > /dev/null &&
        near \$(jq -r .biggest.rss <<< '$half') $rss_half 2097152"
check "status live: an empty cgroup has no biggest process" \
        jqc --arg p "$REL/e00" '.cgroups[] | select(.path == $p) | .biggest == null and .tasks.processes == 0' \
        "$TMP/all.json"

# The text carries the same numbers, in the same order.
$OOMGUARD --status > "$TMP/s.txt" 2>&1
$OOMGUARD --status --all > "$TMP/all.txt" 2>&1
usage=$(cat "$CG/full/memory.usage_in_bytes")
rows() { sed -n '/^ *%LIMIT /,/^would fire now/p' "$1" | sed '1d;$d'; }
export -f rows
line_of() { rows "$2" | grep -nE " $1\$" | cut -d: -f1; }
diag "$(grep -E "^ *%LIMIT | $REL/(full|half)\$" "$TMP/s.txt")"
check "status live: text says no policy" grep -q "^policy: none ($DEFAULT does not exist" "$TMP/s.txt"
check "status live: text shows 20 rows, says top 20" \
        bash -c "[ \$(rows $TMP/s.txt | wc -l) = 20 ] && grep -q '(top 20; --all for every one)' $TMP/s.txt"
# Against its own count: the machine's other limited cgroups may come and
# go between this run and the JSON one above.
all_total=$(sed -n 's/^cgroups with a memory limit: \([0-9]*\).*/\1/p' "$TMP/all.txt")
check "status live: text --all shows all its ${all_total:-?} rows (at least our 26)" \
        bash -c "[ -n '$all_total' ] && [ '$all_total' -ge 26 ] && [ \$(rows $TMP/all.txt | wc -l) = '$all_total' ]"
check "status live: text: the fuller cgroup first" \
        bash -c "[ -n '$(line_of "$REL/full" "$TMP/s.txt")' ] &&
        [ '$(line_of "$REL/full" "$TMP/s.txt")' -lt '$(line_of "$REL/half" "$TMP/s.txt")' ]"
read -r pct ws us lim _ <<< "$(rows "$TMP/s.txt" | grep -E " $REL/full\$")"
# "51.5MiB" -> bytes
to_bytes() { $PY -c 'import sys; v=sys.argv[1]; u={"B":0,"KiB":10,"MiB":20,"GiB":30}
n=v.rstrip("BKMGi"); print(int(float(n) * (1 << u[v[len(n):]])))' "$1"; }
check "status live: text usage within 2 MiB of the kernel's ($us)" near "$(to_bytes "$us")" "$usage" 2097152
check "status live: text limit 64.0MiB, percent as in JSON (±1)" bash -c "[ '$lim' = 64.0MiB ] &&
        near ${pct%.*} $(jq -r '.percent_of_limit | floor' <<< "$full") 1"
check "status live: text names the hog as the biggest" \
        bash -c "rows $TMP/s.txt | grep -E ' $REL/full\$' | grep -qE ' $HOG_FULL +hog +[0-9.]+MiB '"

# Optional: the cost with many cgroups (OOMGUARD_STATUS_SCALE=1000).
N=${OOMGUARD_STATUS_SCALE:-0}
if [ "$N" -gt 0 ]; then
        mkdir "$CG/scale" && CGS+=("$CG/scale")
        for i in $(seq 1 "$N"); do
                mkdir "$CG/scale/c$i" && CGS+=("$CG/scale/c$i") && echo 64M > "$CG/scale/c$i/memory.limit_in_bytes"
        done
        for args in "--status" "--status --json" "--status --all" "--status --all --json"; do
                times=$(for _ in 1 2 3 4 5; do
                        s=$(date +%s%N); $OOMGUARD $args > /dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 ))
                done | sort -n | tr '\n' ' ')
                n=$($OOMGUARD --status --json 2>/dev/null | jq .cgroups_total)
                diag "oomguard $args with $n limited cgroups: ms, sorted: $times"
                check "status scale: $args with $n cgroups under 2 s (median)" [ "$(echo $times | cut -d' ' -f3)" -lt 2000 ]
        done
fi
exit $((failures > 0))
