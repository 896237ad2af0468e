#!/bin/bash
# vm: layout=v2 mem=512M swap=none timeout=300
# Supervisors in pure cgroup v2, as tests/t-live-supervisors.sh proves them on v1:
#  1. real nginx (the host's /usr/sbin/nginx, own config in /tmp), master + 4 workers in
#     a child cgroup, [cgroup:] supervisor_first = yes: the master dies before any worker
#     (witness: tests/helpers/proc-watch, the proc connector) and nothing is re-forked;
#  2. a shell restart loop ([supervisor:sup] match = comm:^(sh|bash)$, max_restarts = 3,
#     restart_action = stop) is stopped after its 4th restart of a killed hog.
# Judged by the cgroup's memory.events oom_kill (must stay 0) and the process table.
. "$(dirname "$0")/lib.sh"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
WATCH=$B/helpers/proc-watch
ROOT=/sys/fs/cgroup
REL=/oomguard-vm/sup
CG=$ROOT$REL
chmod 755 "$TMP"
mkdir -p $ROOT/oomguard-vm && echo +memory >$ROOT/oomguard-vm/cgroup.subtree_control &&
        mkdir $CG && echo 128M >$CG/memory.max || { not_ok "v2 supervisors: create $CG"; finish; }
oom_kills() { kv $CG/memory.events oom_kill; }
in_cgroup() { sh -c "echo 0 >/proc/self/oom_score_adj; echo \$\$ > $CG/cgroup.procs; exec \"\$@\"" sh "$@" & }
empty_cgroup() {
        for _ in 1 2 3; do while read -r p; do kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done <$CG/cgroup.procs; done
        { wait; } 2>/dev/null
        wait_for "[ ! -s $CG/cgroup.procs ]" 10
}
LOG=$TMP/guard.log
# guard RULE_LINES SUPERVISOR_LINES
guard() {
        printf '[daemon]\ninterval = 50ms\npost_kill_delay = 300ms\nmax_kills_per_minute = 100\n\n[cgroup:test]\npath = %s\n%s\n\n[supervisor:sup]\ncgroup = %s\n%s\n' \
                "$REL" "$1" "$REL" "$2" >"$TMP/conf"
        start_guard "$TMP/conf" "$LOG" || not_ok "v2 supervisors: oomguard did not start: $(head -c 300 "$LOG")"
}
start_watch() { "$WATCH" 60 >"$TMP/watch" & watch=$!; wait_for "grep -q ready $TMP/watch" 20; }
stop_watch() { kill "$watch" 2>/dev/null; wait "$watch" 2>/dev/null; watch=; }
workers_of() { pgrep -P "$1" | sort -n | tr '\n' ' '; }

# 1. nginx, supervisor_first = yes
if [ ! -x "$NGINX" ]; then
        not_ok "v2 supervisors: nginx missing on the host (make deps installs it)"
else
        mkdir -p "$TMP/logs"
        cat >"$TMP/nginx.conf" <<NGX
daemon off;
master_process on;
worker_processes 4;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log;
events { worker_connections 64; }
http {
        access_log off;
        client_body_temp_path $TMP/body;
        proxy_temp_path $TMP/proxy;
        fastcgi_temp_path $TMP/fastcgi;
        uwsgi_temp_path $TMP/uwsgi;
        scgi_temp_path $TMP/scgi;
        server { listen 127.0.0.1:20080; }
}
NGX
        start_watch || diag "proc-watch did not start: $(cat "$TMP/watch")"
        in_cgroup "$NGINX" -e "$TMP/nginx-error.log" -p "$TMP" -c "$TMP/nginx.conf" >"$TMP/nginx.out" 2>&1
        master=$!
        wait_for "[ \$(pgrep -P $master -c) = 4 ]" 30
        workers=$(workers_of $master)
        diag "nginx master $master, workers $workers; $(cat "$TMP/nginx.out" "$TMP/nginx-error.log" 2>/dev/null | head -n 3 | tr '\n' ' ')"
        check "nginx: master + 4 workers in the cgroup" [ "$(echo $workers | wc -w)" = 4 ]
        guard $'usage_above = 1M\naction = kill\nsupervisor_first = yes' 'match = cmdline:^nginx: master'
        wait_for "! kill -0 $master 2>/dev/null" 20
        check "nginx: the master is gone" sh -c "! kill -0 $master 2>/dev/null"
        ev=$(grep -m1 "OOMGUARD_SUPERVISOR_PID=$master " "$LOG")
        diag "event: $(cut -c1-700 <<<"$ev")"
        check "nginx: the event names the master as supervisor" [ -n "$ev" ]
        check "nginx: the event lists the whole sequence, master first" grep -q "OOMGUARD_SEQUENCE=$master (nginx) first, then" "$LOG"
        for w in $workers; do wait_for "! kill -0 $w 2>/dev/null" 10; done
        alive=0; for w in $workers; do kill -0 "$w" 2>/dev/null && alive=$((alive + 1)); done
        check "nginx: all workers are gone after" [ $alive = 0 ]
        sleep 5 # the issue's window: no new nginx process for 5 s
        stop_watch
        check "nginx: no new nginx process in the next 5 s" [ -z "$(pgrep -x nginx)" ]
        master_exit=$(awk -v p="$master" '$1 == "exit" && $2 == p { print $4 }' "$TMP/watch")
        first_worker_exit=$(for w in $workers; do awk -v p="$w" '$1 == "exit" && $2 == p { print $4 }' "$TMP/watch"; done | sort -n | head -n 1)
        diag "witness: master exit at $master_exit, first worker exit at $first_worker_exit"
        before() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; }
        check "nginx: witness saw the master exit before any worker" before "$master_exit" "$first_worker_exit"
        check "nginx: the master forked only its 4 workers, no replacement" \
                [ "$(awk -v p="$master" '$1 == "fork" && $2 == p' "$TMP/watch" | wc -l)" = 4 ]
        check "nginx: kernel oom_kill 0" [ "$(oom_kills)" = 0 ]
        stop_guard
        empty_cgroup
fi

# 2. A shell restart loop is stopped after max_restarts, and stays stopped.
in_cgroup sleep 600; bystander=$!
guard $'usage_above = 90%\naction = kill' $'match = comm:^(sh|bash)$\nmax_restarts = 3\nwindow = 60s\nrestart_action = stop'
in_cgroup sh -c "while true; do $HOG 1024 0 >/dev/null 2>&1; done"; loop=$!
wait_for "grep -q 'supervisor sup: $loop (sh): restarted' $LOG" 90
diag "$(grep -m1 "supervisor sup: $loop" "$LOG" | cut -c1-400)"
# The name in the message is the restarted child's comm when oomguard reads it after the
# fork event: "hog", or "sh" when it looks before the child has exec'd (seen under TCG).
check "restart loop: detected after max_restarts" grep -Eq "supervisor sup: $loop \(sh\): restarted a killed \"(hog|sh)\" 4 times within 60s \(max_restarts 3\): stopped" "$LOG"
grep -q "restarted a killed \"sh\"" "$LOG" && diag "note: the event names the restarted child \"sh\" (its comm before exec), not \"hog\""
wait_for "[ \"\$(awk '{ print \$3 }' /proc/$loop/stat 2>/dev/null)\" = T ]" 10
sleep 2
state=$(awk '{ print $3 }' /proc/$loop/stat 2>/dev/null)
check "restart loop: the loop is stopped (state $state) and stays so" [ "$state" = T ]
check "restart loop: no hog runs any more (only a reaped-later zombie may be left)" \
        [ -z "$(ps --ppid $loop -o stat= | grep -v Z)" ]
check "restart loop: the bystander in the cgroup is untouched" kill -0 $bystander
check "restart loop: kernel oom_kill 0" [ "$(oom_kills)" = 0 ]
diag "$(grep -c 'kill pid' "$LOG") kills before the loop was stopped; woken by: $(wakeups "$LOG")"
stop_guard
empty_cgroup
remove_cgroups $CG $ROOT/oomguard-vm
finish
