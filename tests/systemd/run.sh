#!/bin/bash
# make systemdcheck: the installed unit under a real systemd as PID 1.
# Debian's systemd boots in systemd-nspawn --volatile=yes with the host's
# /usr (bound read-only); the build is installed (make install DESTDIR)
# and bound in. There: start reaches active after READY, reload goes
# through RELOADING/READY and a refused file keeps the running policy, a
# SIGSTOPped guard is restarted by the watchdog, the journal has the
# documented fields, the hardened guard kills a full-speed hog before the
# kernel, and ExecStopPost= --restore puts back what an opt-in mode
# changed. The syscall filter runs with its kill action (a drop-in resets
# SystemCallErrorNumber=): a call it misses kills the guard with SIGSYS.
#
# What the container sees: the host's hybrid layout, each v1 hierarchy
# rooted at the container's own cgroup and mounted read-only, cgroup2
# writable but without the memory controller. The test remounts the
# memory one read-write inside (as a host's systemd has it; see the
# restart below) and makes the
# hog's 256 MiB v1 cgroup from the host under this script's cgroup
# (inside: /oomguard-sd-PID); removed at the end. nspawn's capability set lacks some that a host's PID 1 has and the
# unit grants (CAP_IPC_LOCK, CAP_SYSLOG): given back with --capability
# (CAP_SYS_RESOURCE too, where the machine has it: our CI machines have
# it nowhere, so OOMScoreAdjust= and LimitMEMLOCK= cannot take effect
# there), and /dev/kmsg bound in.
. "$(dirname "$0")/../lib.sh"
set -u
MEMROOT=/sys/fs/cgroup/memory
summary() { echo "systemdcheck: $passes passed, $failures failed, $skips skipped"; }
passes=0 skips=0
ok() { echo "ok - $*"; passes=$((passes + 1)); }
skip() { echo "skip - $*"; skips=$((skips + 1)); }
need() { skip "systemdcheck: $1"; summary; exit 0; }
[ "$(id -u)" = 0 ] || need "needs root (systemd-nspawn, cgroups)"
command -v systemd-nspawn > /dev/null || need "no systemd-nspawn (Debian: systemd-container)"
[ -f $MEMROOT/memory.limit_in_bytes ] || need "no cgroup v1 memory controller at $MEMROOT"
[ -x /lib/systemd/systemd ] || need "no /lib/systemd/systemd"

W=$(mktemp -d /var/tmp/oomguard-systemd.XXXXXX)
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
CG=$MEMROOT${SELF%/}/oomguard-sd-$$
NS=
cleanup() {
        if [ -n "$NS" ] && kill -0 "$NS" 2>/dev/null; then
                kill "$NS"   # nspawn powers the container off
                wait_for "! kill -0 $NS 2>/dev/null" 20 || kill -9 "$NS"
        fi
        if [ -d "$CG" ]; then
                while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        mountpoint -q "$W/root/usr" && umount "$W/root/usr"
        rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$W/root/usr" "$W/etc" "$W/dropin" "$W/test"
mount --bind /usr "$W/root/usr" && mount -o remount,bind,ro "$W/root/usr" || { not_ok "systemdcheck: bind /usr"; exit 1; }
make -s install B="$B" DESTDIR="$W/inst" PREFIX=/opt/oomguard SYSCONFDIR=/etc/oomguard > "$W/install.log" 2>&1 ||
        { not_ok "systemdcheck: make install"; cat "$W/install.log"; exit 1; }
unit=$W/inst/opt/oomguard/lib/systemd/system/oomguard.service
# The build looks for its HTTP process in the PKGLIBDIR it was compiled
# with (/usr/local/lib/oomguard, the host's read-only /usr here) or next
# to itself: there.
cp "$B/oomguard-metrics-httpd" "$W/inst/opt/oomguard/sbin/"
cp "$B/helpers/hog" "$W/test/hog"
mkdir "$CG" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "systemdcheck: create $CG"; exit 1; }
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }
kill_disable() { sed -n 's/^oom_kill_disable //p' "$CG/memory.oom_control"; }

# The policy: the hog's cgroup, opt-in oom_handler (a value to restore);
# conf LINES adds LINES to [daemon].
conf() {
        printf '[daemon]\ninterval = 100ms\npost_kill_delay = 100ms\nprotect = ^(systemd.*|sh|nsenter)$\n%s\n[cgroup:hog]\npath = %s\nusage_above = 90%%\naction = kill\noom_handler = yes\n' \
                "${1:-}" "/oomguard-sd-$$" > "$W/etc/oomguard.conf"
}
conf
printf '[Service]\nWatchdogSec=3s\nSystemCallErrorNumber=\n' > "$W/dropin/test.conf"

systemd-nspawn -q -D "$W/root" --volatile=yes --register=no --keep-unit \
        --capability=CAP_SYS_RESOURCE,CAP_IPC_LOCK,CAP_SYSLOG --bind-ro=/dev/kmsg \
        --bind-ro="$W/inst/opt/oomguard:/opt/oomguard" --bind-ro="$W/etc:/etc/oomguard" \
        --bind-ro="$unit:/etc/systemd/system/oomguard.service" \
        --bind-ro="$W/dropin:/etc/systemd/system/oomguard.service.d" --bind-ro="$W/test:/opt/test" \
        --bind-ro=/dev/null:/etc/systemd/system/earlyoom.service \
        -b systemd.firstboot=off > "$W/console.log" 2>&1 &
NS=$!
C=
wait_for 'C=$(pgrep -P $NS -x systemd) && [ -n "$C" ]' 20 || { not_ok "systemdcheck: no systemd in the container"; tail "$W/console.log"; exit 1; }
in_ct() { nsenter -t "$C" -m -u -i -n -p -- "$@"; }
wait_for 'case $(in_ct systemctl is-system-running 2>/dev/null) in running|degraded) true;; *) false;; esac' 60 ||
        { not_ok "systemdcheck: the container did not boot"; exit 1; }
ok "systemdcheck: $(in_ct systemctl --version | head -1) booted as PID 1 of the container"
diag "container: /dev/kmsg $(in_ct stat -c %F /dev/kmsg 2>&1)"
in_ct mount -o remount,bind,rw $MEMROOT || { not_ok "systemdcheck: remount $MEMROOT read-write in the container"; exit 1; }
diag "PID 1 sees $(in_ct findmnt -no OPTIONS $MEMROOT)"
prop() { in_ct systemctl show -P "$1" oomguard.service; }
journal() { in_ct journalctl -q -u oomguard.service --no-pager "$@"; }
logs() { journal | grep -q -- "$1"; }      # logs PATTERN: the unit's journal has it
# in_journal PATTERN: it is there within 5 s (journald stores a line a moment
# after the command that caused it has returned).
in_journal() { wait_for "logs '$1'" 5; }
no_logs() { ! journal | grep -q -- "$1"; }

# 1. start: active after READY=1 (which follows the first full tick).
t0=$(date +%s%N)
in_ct systemctl start oomguard.service; rc=$?
t1=$(date +%s%N)
check "systemdcheck: systemctl start -> active" [ "$rc:$(prop ActiveState)" = 0:active ]
main=$(prop MainPID)
ready_ms=$(( ($(prop ActiveEnterTimestampMonotonic) - $(prop ExecMainStartTimestampMonotonic)) / 1000 ))
diag "systemctl start returned in $(( (t1 - t0) / 1000000 )) ms; exec of the daemon to READY=1: $ready_ms ms"
diag "the guard sees $(in_ct nsenter -t $main -m findmnt -no OPTIONS $MEMROOT)"
# Observed with systemd 252 in nspawn: the first start after the remount
# still gets nspawn's read-only mount in the unit's namespace (thresholds
# and oom_handler cannot be written: polling only); a restart gets the
# read-write one. Restarted once, so the rest runs as on a host.
in_ct systemctl restart oomguard.service; main=$(prop MainPID)
diag "after a restart the guard sees $(in_ct nsenter -t $main -m findmnt -no OPTIONS $MEMROOT)"
uid=$(in_ct stat -c %u "/proc/${main:-0}" 2>/dev/null)
check "systemdcheck: the guard runs as a dynamic user (uid ${uid:-?})" [ "${uid:-0}" -gt 0 ]
diag "guard: $(in_ct grep -h 'CapEff\|CapAmb\|CapBnd\|VmRSS\|VmLck' /proc/$main/status | tr '\n\t' '  '), oom_score_adj $(in_ct cat /proc/$main/oom_score_adj), $(in_ct grep 'locked memory' /proc/$main/limits)" "host: $(tr '\n' ' ' < $CG/memory.oom_control)"
check "systemdcheck: opt-in oom_handler set oom_kill_disable = 1" wait_for '[ "$(kill_disable)" = 1 ]' 5
kv=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
if [ "$kv" -ge 6006 ]; then
        check "systemdcheck: proc connector open without CAP_NET_ADMIN (Linux >= 6.6)" eval "logs 'guarding:' && no_logs 'no proc connector'"
else
        skip "systemdcheck: proc connector without CAP_NET_ADMIN: Linux $(uname -r) < 6.6 needs the drop-in of oomguard(8)"
fi

# 2. reload: RELOADING=1 ... READY=1; a refused file keeps the running policy.
in_ct systemctl reload oomguard.service; rc=$?
check "systemdcheck: systemctl reload succeeds" [ $rc = 0 ]
check "systemdcheck: the daemon logged the reload" in_journal 'reloaded /etc/oomguard/oomguard.conf'
conf "bogus_key = 1"
in_ct systemctl reload oomguard.service 2> /dev/null; rc=$?
check "systemdcheck: reload of a bad file fails" [ $rc != 0 ]
check "systemdcheck: ... and the guard keeps running" [ "$(prop ActiveState):$(prop MainPID)" = "active:$main" ]
check "systemdcheck: ... with its running policy (said, file:line)" \
        eval "in_journal 'reload of /etc/oomguard/oomguard.conf refused' && in_journal 'oomguard.conf:[0-9]*: bogus_key'"
conf
chmod 666 "$W/etc/oomguard.conf"   # the checks oomguard makes as root (ExecReload=+)
in_ct systemctl reload oomguard.service 2> /dev/null; rc=$?
check "systemdcheck: reload of a world-writable file fails" [ $rc != 0 ]
check "systemdcheck: ... said so" in_journal 'group- or world-writable'
chmod 644 "$W/etc/oomguard.conf"

# 3. the hardened guard kills a full-speed hog before the kernel.
before=$(oom_kills)
in_ct sh -c "echo \$\$ > $MEMROOT/oomguard-sd-$$/cgroup.procs && exec /opt/test/hog 1024 0" > /dev/null 2>&1; rc=$?
check "systemdcheck: full-speed hog killed (exit $rc)" [ $rc = 137 ]
check "systemdcheck: kernel oom_kill unchanged ($before -> $(oom_kills))" [ "$(oom_kills)" = "$before" ]
wait_for "journal MESSAGE_ID=5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a61 -o json | grep -q OOMGUARD_VICTIM_PID" 5
j=$(journal MESSAGE_ID=5c1f0a3e7b2d4e8a9f6b1c2d3e4f5a61 -o json | tail -1)
check "systemdcheck: journal -o json: the kill with its fields" sh -c "[ -n '$j' ] && printf '%s' '$j' | jq -e '.OOMGUARD_RULE == \"hog\" and .OOMGUARD_ACTION == \"kill\" and .OOMGUARD_VICTIM_COMM == \"hog\" and (.OOMGUARD_CGROUP | length > 0) and (.OOMGUARD_REASON | length > 0) and .OOMGUARD_OUTCOME != null' > /dev/null"
check "systemdcheck: no SIGSYS: the same main PID after the kill" [ "$(prop MainPID):$(prop NRestarts)" = "$main:0" ]

# 4. watchdog: a stopped loop sends no WATCHDOG=1, systemd restarts it.
[ "${main:-0}" -gt 1 ] && in_ct kill -STOP "$main"
check "systemdcheck: SIGSTOPped guard restarted by the watchdog" \
        wait_for '[ "$(prop NRestarts)" = 1 ] && [ "$(prop ActiveState)" = active ]' 20
check "systemdcheck: ... journal says watchdog timeout" in_journal 'Watchdog timeout'
main=$(prop MainPID)

# 5. metrics_listen with the drop-in of oomguard(8), THE SERVICE: the
# HTTP process serves, without a capability, under the kill-action filter.
port=$((20000 + $$ % 10000)) # below the ephemeral ports (32768-): no client socket holds it
man -l "$(dirname "$0")/../../man/oomguard.8" 2> /dev/null | sed -n '/metrics-listen.conf$/,/SystemCallFilter=/p' |
        sed -n 's/^ *\(\[Service\]\|[A-Za-z]*=.*\)$/\1/p' > "$W/dropin/metrics-listen.conf"
diag "drop-in from the man page: $(tr '\n' ' ' < "$W/dropin/metrics-listen.conf")"
conf "$(printf 'metrics_listen = 127.0.0.1:%s\nmetrics_interval = 1s' $port)"
in_ct systemctl daemon-reload && in_ct systemctl restart oomguard.service
main=$(prop MainPID)
check "systemdcheck: metrics_listen: GET /metrics answers" \
        wait_for "in_ct curl -sf http://127.0.0.1:$port/metrics 2>/dev/null | grep -q '^oomguard_'" 10
[ $failures = 0 ] || diag "$(journal -n 60 | grep -i "metrics\\|httpd\\|listen" | grep -v " = ")"
hp=$(in_ct pgrep -f oomguard-metrics-httpd | head -1)
check "systemdcheck: ... from a process without capabilities" \
        [ "$(in_ct sed -n 's/^CapEff:\t//p' /proc/${hp:-0}/status 2>/dev/null)" = 0000000000000000 ]
rm -f "$W/dropin/metrics-listen.conf"; conf
in_ct systemctl daemon-reload && in_ct systemctl restart oomguard.service
main=$(prop MainPID)

# 6. stop: ExecStopPost= --restore puts back what nobody else could.
wait_for '[ "$(kill_disable)" = 1 ]' 5
# The guardian first (it would put them back itself), then the daemon.
in_ct pkill -KILL -x oomguard-guard
in_ct systemctl kill -s SIGKILL --kill-who=main oomguard.service
in_ct systemctl stop oomguard.service
check "systemdcheck: after SIGKILL + stop, oom_kill_disable back to 0" [ "$(kill_disable)" = 0 ]
check "systemdcheck: ... by ExecStopPost= --restore" in_journal '--restore: put back 1 cgroup values'
check "systemdcheck: no SIGSYS in the whole run" no_logs 'status=31/SYS\|signal=SYS'

# The score of the installed unit and what remains (oomguard.service.in says why).
out=$(systemd-analyze security --offline=true "$unit" 2>&1)
printf '%s\n' "$out" | grep '✗' | sed 's/  */ /g' | diag "$(cat)"
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for oomguard.service: \([0-9]*\.[0-9]\).*/\1/p')
check "systemdcheck: exposure $score <= 2.0" awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
[ $failures = 0 ] || { diag "journal:"; journal -n 40 | diag "$(cat)"; }
summary
exit $((failures > 0))
