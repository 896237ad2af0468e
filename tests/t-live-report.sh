#!/bin/bash
# Forensic reports and hooks, live, in v1 memory cgroups this test creates
# (root): the report of a kill (victim, tree, the cgroup against the
# kernel's files, task counts, top, freed_bytes), the kernel's own kill
# under a rule that only warns (kernel-oom-kill, the right pid and
# cgroup), a zombie factory's kill (its zombies counted), the hook's
# environment and a sleeping hook that does not delay the next kill,
# report_max_files, and a full report directory (a tiny tmpfs) that
# costs a warning and never a kill.
. "$(dirname "$0")/lib.sh"
unset OOMGUARD_REPORT_DIR # report_dir is what this test tests
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live report: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live report: no cgroup v1 memory controller"; exit 0; fi
JQ=$(command -v jq) || { not_ok "live report: jq missing (make deps installs it)"; exit 1; }
HOG=$(realpath "$B/helpers/hog")
ZOMBIEF=$(realpath "$B/helpers/zombief")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-report-$$
CG=$MEMROOT$REL
# The hook must sit where only root can write (the root daemon refuses
# anything else): under /run, not /tmp.
TMP=$(mktemp -d /run/oomguard-report-test.XXXXXX)
chmod 755 "$TMP"
REPORTS=$TMP/reports
TINY=$TMP/tiny

stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
empty_cgroup() {
        for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"; done
        wait 2>/dev/null
        wait_for "[ ! -s $CG/cgroup.procs ]" 5
}
cleanup() {
        stop_guard
        mountpoint -q "$TINY" && umount "$TINY"
        if [ -d "$CG" ]; then
                empty_cgroup
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        [ -n "${KEEP:-}" ] && { echo "# kept $TMP"; return; }
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "live report: create $CG"; exit 1; }
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }
in_cgroup() { sh -c "echo \$\$ > $CG/cgroup.procs; exec \"\$@\"" sh "$@" & }

# start_guard RULE_LINES [DAEMON_LINES] [SUPERVISOR_LINES]
start_guard() {
        printf '[daemon]\ninterval = 50ms\npost_kill_delay = 300ms\nmax_kills_per_minute = 100\nreport_dir = %s\n%s\n\n[cgroup:test]\npath = %s\n%s\n' \
                "$REPORTS" "${2:-}" "$REL" "$1" > "$TMP/conf"
        [ -n "${3:-}" ] && printf '\n[supervisor:sup]\n%s\n' "$3" >> "$TMP/conf"
        : > "$TMP/log"
        $OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log" &
        og=$!
        wait_for "grep -q guarding $TMP/log" 5
}
reports() { ls "$REPORTS"/*.json 2>/dev/null | sort; }
last_report() { reports | tail -n 1; }
# report_of KIND PID: the newest report of KIND whose victim is PID (the
# guard also reports the kernel's kills anywhere on the machine).
report_of() {
        local f
        for f in $(reports); do
                "$JQ" -e --arg k "$1" --argjson p "$2" '.kind == $k and .victim.pid == $p' "$f" > /dev/null 2>&1 && echo "$f"
        done | tail -n 1
}
# j FILE FILTER: jq -r on a report
j() { "$JQ" -r "$2" "$1"; }

# 1. A kill's report.
start_guard $'usage_above = 90%\naction = kill'
in_cgroup "$HOG" 1024 0; hog=$!
wait "$hog" 2>/dev/null
check "report: the hog was killed before the kernel" [ "$(oom_kills)" = 0 ]
wait_for "[ -n \"\$(report_of action $hog)\" ]" 5
r=$(report_of action $hog)
check "report: a report file exists after the kill" [ -n "$r" ]
if [ -n "$r" ]; then
        diag "$(basename "$r"): $(wc -c < "$r") bytes"
        check "report: valid JSON (jq and python)" sh -c "$JQ -e . '$r' >/dev/null && /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '$r'"
        check "report: mode 0640" [ "$(stat -c %a "$r")" = 640 ]
        check "report: kind action, rule test, action kill" [ "$(j "$r" '.kind + " " + .rule + " " + .action')" = "action test kill" ]
        check "report: the victim is the hog (pid, comm)" [ "$(j "$r" '.victim.pid|tostring') $(j "$r" .victim.comm)" = "$hog hog" ]
        check "report: the victim's command line" sh -c "$JQ -r .victim.cmdline '$r' | grep -q 'hog 1024 0'"
        check "report: the cgroup's path" [ "$(j "$r" .cgroup.path)" = "$REL" ]
        check "report: the cgroup's limit is the kernel's" [ "$(j "$r" .cgroup.limit_bytes)" = "$(cat "$CG/memory.limit_in_bytes")" ]
        check "report: usage at the decision >= 90 % of the limit" [ "$(j "$r" '.cgroup.usage_bytes >= 0.9 * .cgroup.limit_bytes')" = true ]
        check "report: failcnt is the kernel's (or below it: read at the decision)" [ "$(j "$r" .cgroup.failcnt)" -le "$(cat "$CG/memory.failcnt")" ]
        check "report: memory.stat carried" [ "$(j "$r" '.cgroup.stat | length')" -gt 10 ]
        check "report: tasks counted at the decision (the hog: 1 process)" [ "$(j "$r" .tasks.processes)" -ge 1 ]
        check "report: ... and said so (counted: decision)" [ "$(j "$r" .tasks.counted)" = decision ]
        check "report: the tree holds the victim and its parent" [ "$(j "$r" "[.tree[] | select(.pid == $hog)] | length")" = 1 ]
        check "report: candidates, the victim first" [ "$(j "$r" '.candidates[0].pid')" = "$hog" ]
        check "report: machine memory" [ "$(j "$r" '.machine.mem_total_bytes > 0')" = true ]
        freed=$(j "$r" .freed_bytes)
        check "report: freed_bytes is most of what the hog held ($freed)" [ "${freed:-0}" -gt $((200 * 1024 * 1024)) ]
        check "report: --report last prints it" sh -c "$OOMGUARD --report last --report-dir '$REPORTS' | grep -q 'hog'"
fi
stop_guard
empty_cgroup

# 2. The kernel's own kill, the rule only warning.
rm -rf "$REPORTS"
start_guard $'usage_above = 90%\naction = warn'
before=$(oom_kills)
in_cgroup "$HOG" 1024 0; hog=$!
wait "$hog" 2>/dev/null
check "kernel kill: the kernel killed the hog" [ "$(oom_kills)" -gt "$before" ]
check "kernel kill: logged as a miss" logged "$TMP/log" "kernel OOM kill: pid $hog (hog)" 3
wait_for "[ -n \"\$(report_of kernel-oom-kill $hog)\" ]" 5
k=$(report_of kernel-oom-kill $hog)
check "kernel kill: a kernel-oom-kill report" [ -n "$k" ]
if [ -n "$k" ]; then
        check "kernel kill: its pid and comm" [ "$(j "$k" '.victim.pid|tostring') $(j "$k" .victim.comm)" = "$hog hog" ]
        check "kernel kill: its cgroup" [ "$(j "$k" .cgroup.path)" = "$REL" ]
        check "kernel kill: the kernel's constraint" [ "$(j "$k" .kernel.constraint)" = CONSTRAINT_MEMCG ]
fi
stop_guard
empty_cgroup

# 3. A zombie factory's report counts its zombies.
rm -rf "$REPORTS"
start_guard $'usage_above = 99%\naction = warn' "" $'match = comm:^zombief$\nzombies_above = 10\nzombie_action = kill'
in_cgroup "$ZOMBIEF" 40 20; factory=$!
wait_for "! kill -0 $factory 2>/dev/null" 10
wait_for "grep -l zombie-kill $REPORTS/*.json >/dev/null 2>&1" 5
z=$(grep -l '"zombie-kill"' "$REPORTS"/*.json 2>/dev/null | tail -n 1)
check "zombies: a report of the zombie kill" [ -n "$z" ]
[ -n "$z" ] && check "zombies: its task counts hold the zombies ($(j "$z" .tasks.zombies))" [ "$(j "$z" .tasks.zombies)" -ge 10 ]
stop_guard
empty_cgroup

# 4. The hook: its environment; a hook that sleeps does not delay the next kill.
cat > "$TMP/hook" <<HOOK
#!/bin/sh
env | grep '^OOMGUARD_' | sort > "$TMP/hook-env.\$\$"
sleep 30
HOOK
chmod 755 "$TMP/hook"
rm -rf "$REPORTS"
start_guard $'usage_above = 90%\naction = kill' "hook = $TMP/hook
hook_timeout = 20s"
before=$(oom_kills)
for i in 1 2; do
        in_cgroup "$HOG" 1024 0; hog=$!
        wait "$hog"; rc=$?
        check "hook: hog $i killed by oomguard (exit $rc)" [ "$rc" = 137 ]
        [ $i = 1 ] && first=$hog
done
check "hook: both before the kernel" [ "$(oom_kills)" = "$before" ]
wait_for "ls $TMP/hook-env.* >/dev/null 2>&1" 5
env_file=$(ls "$TMP"/hook-env.* 2>/dev/null | head -n 1)
check "hook: it ran" [ -n "$env_file" ]
if [ -n "$env_file" ]; then
        check "hook: OOMGUARD_EVENT=action" grep -qx 'OOMGUARD_EVENT=action' "$env_file"
        check "hook: OOMGUARD_RULE=test" grep -qx 'OOMGUARD_RULE=test' "$env_file"
        check "hook: OOMGUARD_CGROUP" grep -qx "OOMGUARD_CGROUP=$REL" "$env_file"
        check "hook: OOMGUARD_VICTIM_PID of the first hog" grep -qx "OOMGUARD_VICTIM_PID=$first" "$env_file"
        check "hook: OOMGUARD_VICTIM_COMM=hog" grep -qx 'OOMGUARD_VICTIM_COMM=hog' "$env_file"
        rep=$(sed -n 's/^OOMGUARD_REPORT=//p' "$env_file")
        check "hook: OOMGUARD_REPORT names the report file" [ -f "$rep" ]
fi
stop_guard
empty_cgroup

# 5. report_max_files.
rm -rf "$REPORTS"
start_guard $'usage_above = 90%\naction = kill' "report_max_files = 2"
for i in 1 2 3 4; do in_cgroup "$HOG" 1024 0; wait $! 2>/dev/null; done
sleep 0.5
check "max files: 4 kills, 2 reports kept ($(reports | wc -l))" [ "$(reports | wc -l)" = 2 ]
stop_guard
empty_cgroup

# 6. A full report directory: a warning, and the kill still happens.
mkdir -p "$TINY" && mount -t tmpfs -o size=16k oomguard-report-test "$TINY"
dd if=/dev/zero of="$TINY/fill" bs=4k count=16 2>/dev/null
REPORTS=$TINY/reports
mkdir -p "$REPORTS" 2>/dev/null
start_guard $'usage_above = 90%\naction = kill'
before=$(oom_kills)
for i in 1 2; do in_cgroup "$HOG" 1024 0; hog=$!; wait "$hog"; rc=$?; check "full disk: hog $i killed by oomguard (exit $rc)" [ "$rc" = 137 ]; done
check "full disk: before the kernel" [ "$(oom_kills)" = "$before" ]
check "full disk: a warning, once" [ "$(grep -c 'reports: not written' "$TMP/log")" = 1 ]
stop_guard
exit $((failures > 0))
