#!/bin/bash
# Live supervisor tests in real cgroup v1 memory cgroups, judged by the
# kernel's oom_kill counter and by the process table (and an independent
# proc connector witness, tests/helpers/proc-watch):
#  - real nginx, master + 4 workers: supervisor_first kills the master
#    before any worker and nothing is re-forked; without it a worker is
#    re-forked by the master;
#  - a shell restart loop is stopped after max_restarts restarts;
#  - a zombie factory is killed and its zombies are gone.
. "$(dirname "$0")/lib.sh"
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "live supervisors: needs root to create memory cgroups"; exit 0; fi
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then skip "live supervisors: no cgroup v1 memory controller"; exit 0; fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HOG=$(realpath "$B/helpers/hog")
WATCH=$(realpath "$B/helpers/proc-watch")
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-sup-$$
CG=$MEMROOT$REL
TMP=$(mktemp -d)
chmod 755 "$TMP"

stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
empty_cgroup() {
        for _ in 1 2 3; do while read -r p; do kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"; done
        wait 2>/dev/null
        wait_for "[ ! -s $CG/cgroup.procs ]" 5
}
cleanup() {
        stop_guard
        [ -n "${watch:-}" ] && kill "$watch" 2>/dev/null
        if [ -d "$CG-out" ]; then
                while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG-out/cgroup.procs"
                wait_for "rmdir $CG-out 2>/dev/null" 5 || echo "# could not remove $CG-out"
        fi
        if [ -d "$CG" ]; then
                empty_cgroup
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        [ -n "${KEEP:-}" ] && { echo "# kept $TMP"; return; }
        rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "live supervisors: create $CG"; exit 1; }
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }
in_cgroup() { sh -c "echo \$\$ > $CG/cgroup.procs; exec \"\$@\"" sh "$@" & }

# start_guard RULE_LINES SUPERVISOR_LINES
start_guard() {
        printf '[daemon]\ninterval = 50ms\npost_kill_delay = 300ms\nmax_kills_per_minute = 100\n\n[cgroup:test]\npath = %s\n%s\n\n[supervisor:sup]\ncgroup = %s\n%s\n' \
                "$REL" "$1" "$REL" "$2" > "$TMP/conf"
        : > "$TMP/log"
        $OOMGUARD -c "$TMP/conf" --log stderr 2> "$TMP/log" &
        og=$!
        wait_for "grep -q guarding $TMP/log" 5
}
start_watch() {
        "$WATCH" 60 > "$TMP/watch" & watch=$!
        wait_for "grep -q ready $TMP/watch" 5
}
stop_watch() { kill "$watch" 2>/dev/null; wait "$watch" 2>/dev/null; watch=; }

start_nginx() {
        cat > "$TMP/nginx.conf" <<NGX
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
        server { listen 127.0.0.1:$((20000 + $$ % 10000)); }
}
NGX
        in_cgroup "$NGINX" -p "$TMP" -c "$TMP/nginx.conf" > /dev/null 2>&1
        master=$!
        wait_for "[ \$(pgrep -P $master -c) = 4 ]" 10
}
workers_of() { pgrep -P "$1" | sort -n | tr '\n' ' '; }

if [ ! -x "$NGINX" ]; then
        not_ok "live supervisors: nginx missing (make deps installs it)"
else
        # 1. supervisor_first = yes: the master dies first, nothing comes back.
        start_watch
        start_nginx
        workers=$(workers_of $master)
        diag "nginx master $master, workers $workers"
        check "nginx: master + 4 workers in the cgroup" [ "$(echo $workers | wc -w)" = 4 ]
        start_guard $'usage_above = 1M\naction = kill\nsupervisor_first = yes' 'match = cmdline:^nginx: master'
        wait_for "! kill -0 $master 2>/dev/null" 10
        check "nginx: the master is gone" sh -c "! kill -0 $master 2>/dev/null"
        check "nginx: the event names the master as supervisor" grep -q "OOMGUARD_SUPERVISOR_PID=$master " "$TMP/log"
        check "nginx: the event lists the whole sequence" grep -q "OOMGUARD_SEQUENCE=$master (nginx) first, then" "$TMP/log"
        for w in $workers; do wait_for "! kill -0 $w 2>/dev/null" 5; done
        alive=0; for w in $workers; do kill -0 "$w" 2>/dev/null && alive=$((alive + 1)); done
        check "nginx: all workers are gone after" [ $alive = 0 ]
        sleep 5 # the issue's window: no new nginx process for 5 s
        stop_watch
        check "nginx: no new nginx process in the next 5 s" [ -z "$(pgrep -x nginx)" ]
        master_exit=$(awk -v p=$master '$1 == "exit" && $2 == p { print $4 }' "$TMP/watch")
        first_worker_exit=$(for w in $workers; do awk -v p=$w '$1 == "exit" && $2 == p { print $4 }' "$TMP/watch"; done | sort -n | head -1)
        diag "witness: master exit at $master_exit, first worker exit at $first_worker_exit"
        before() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; }
        check "nginx: witness saw the master exit before any worker" before "$master_exit" "$first_worker_exit"
        check "nginx: the master forked only its 4 workers, no replacement" \
                [ "$(awk -v p=$master '$1 == "fork" && $2 == p' "$TMP/watch" | wc -l)" = 4 ]
        check "nginx: kernel oom_kill 0" [ "$(oom_kills)" = 0 ]
        stop_guard
        empty_cgroup

        # 1b. A worker moved to another cgroup is not the rule's to kill:
        # the rest of the family goes, that one stays.
        OUT=$CG-out
        mkdir "$OUT"
        start_nginx
        workers=$(workers_of $master)
        moved=${workers%% *}
        echo "$moved" > "$OUT/cgroup.procs"
        start_guard $'usage_above = 1M\naction = kill\nsupervisor_first = yes' 'match = cmdline:^nginx: master'
        wait_for "! kill -0 $master 2>/dev/null" 10
        for w in ${workers#* }; do wait_for "! kill -0 $w 2>/dev/null" 5; done
        check "nginx, a worker elsewhere: the master and the workers in the cgroup are gone" \
                sh -c "! kill -0 $master 2>/dev/null && ! ps -o pid= -p '${workers#* }' >/dev/null"
        check "nginx, a worker elsewhere: the worker in another cgroup is left alone" kill -0 "$moved"
        check "nginx, a worker elsewhere: the event says so" grep -q "1 in other cgroups left alone" "$TMP/log"
        stop_guard
        kill -9 "$moved" 2>/dev/null
        wait_for "[ ! -s $OUT/cgroup.procs ]" 5
        wait_for "rmdir $OUT 2>/dev/null" 5 || echo "# could not remove $OUT"
        empty_cgroup

        # 2. supervisor_first = no: a worker dies and the master re-forks one.
        start_watch
        start_nginx
        workers=$(workers_of $master)
        start_guard $'usage_above = 1M\naction = kill\nsupervisor_first = no\nprefer = cmdline:^nginx: worker' 'match = cmdline:^nginx: master'
        wait_for "[ \"\$(workers_of $master)\" != \"$workers\" ]" 10
        # That is true once the killed worker is reaped, maybe before the
        # master forks its successor, or before the witness wrote that fork:
        # wait for it there (a deadline: a master that never re-forks fails).
        refork() { [ -n "$(awk -v p=$master '$1 == "fork" && $2 == p' "$TMP/watch" | tail -n +5 | head -1)" ]; }
        wait_for refork 10
        new=$(workers_of $master)
        stop_guard
        stop_watch
        diag "workers before $workers, after $new"
        check "nginx (supervisor_first = no): the master survives" kill -0 $master
        check "nginx (supervisor_first = no): a killed worker was re-forked" \
                refork
        empty_cgroup
fi

# 3. A shell restart loop is stopped after max_restarts, and stays stopped.
in_cgroup sleep 600; bystander=$!
start_guard $'usage_above = 90%\naction = kill' $'match = comm:^(sh|bash|dash)$\nmax_restarts = 3\nwindow = 60s\nrestart_action = stop'
in_cgroup sh -c "while true; do $HOG 1024 400 >/dev/null 2>&1; done"; loop=$!
wait_for "grep -q 'supervisor sup: $loop (sh): restarted' $TMP/log" 30
check "restart loop: detected after max_restarts" grep -q "supervisor sup: $loop (sh): restarted a killed \"hog\" 4 times within 60s (max_restarts 3): stopped" "$TMP/log"
sleep 2
state=$(awk '{ print $3 }' /proc/$loop/stat 2>/dev/null)
check "restart loop: the loop is stopped (state $state) and stays so" [ "$state" = T ]
# The hog running when the loop was stopped is killed by the rule (< 1 s
# at 400 MiB/s): waited for; a stopped loop starts no other.
check "restart loop: no hog runs any more (only a reaped-later zombie may be left)" \
        wait_for "[ -z \"\$(ps --ppid $loop -o stat= | grep -v Z)\" ]" 10
check "restart loop: the bystander in the cgroup is untouched" kill -0 $bystander
check "restart loop: kernel oom_kill 0" [ "$(oom_kills)" = 0 ]
diag "$(grep -c 'kill pid' "$TMP/log") kills before the loop was stopped"
stop_guard
empty_cgroup

# 3b. The same without the proc connector: /proc passes find the loop.
in_cgroup sleep 600; bystander=$!
export OOMGUARD_NO_PROC_CONNECTOR=1
start_guard $'usage_above = 90%\naction = kill' $'match = comm:^(sh|bash|dash)$\nmax_restarts = 3\nwindow = 60s\nrestart_action = stop'
unset OOMGUARD_NO_PROC_CONNECTOR
in_cgroup sh -c "while true; do $HOG 1024 400 >/dev/null 2>&1; done"; loop=$!
wait_for "grep -q 'supervisor sup: $loop (sh): restarted' $TMP/log" 40
check "restart loop (scan): oomguard said it scans /proc" grep -q "no proc connector" "$TMP/log"
check "restart loop (scan): detected and stopped" grep -q "supervisor sup: $loop (sh): restarted a killed \"hog\" 4 times within 60s (max_restarts 3): stopped" "$TMP/log"
check "restart loop (scan): the loop stays stopped" sh -c "sleep 1; [ \"\$(awk '{ print \$3 }' /proc/$loop/stat)\" = T ]"
check "restart loop (scan): the bystander is untouched" kill -0 $bystander
check "restart loop (scan): kernel oom_kill 0" [ "$(oom_kills)" = 0 ]
stop_guard
empty_cgroup

# 3c. cap-forks: the loop's pids cgroup (a twin created for the test) may
#     not fork any more; the loop stays alive but cannot restart anything.
PIDS=/sys/fs/cgroup/pids$REL
made=""; d=$PIDS
while [ ! -d "$d" ] && [ "$d" != /sys/fs/cgroup/pids ]; do made="$d $made"; d=$(dirname "$d"); done
if [ -d /sys/fs/cgroup/pids ] && mkdir -p "$PIDS" 2>/dev/null; then
        start_guard $'usage_above = 90%\naction = kill' $'match = comm:^(sh|bash|dash)$\nmax_restarts = 3\nwindow = 60s\nrestart_action = cap-forks'
        sh -c "echo \$\$ > $PIDS/cgroup.procs; echo \$\$ > $CG/cgroup.procs; while true; do $HOG 1024 400 >/dev/null 2>&1; done" & loop=$!
        wait_for "grep -q 'supervisor sup: $loop (sh): restarted' $TMP/log" 30
        check "cap-forks: the loop's cgroup was capped" grep -q "supervisor sup: $loop (sh): restarted .*: pids.max of .* set to" "$TMP/log"
        check "cap-forks: pids.max leaves no room for a new child" [ "$(cat $PIDS/pids.max)" = 1 ]
        # The hog already running when the cap came is killed as usual; no
        # new one can be forked after it.
        wait_for "[ -z \"\$(ps --ppid $loop -o stat= | grep -v Z)\" ]" 10
        check "cap-forks: no hog runs any more" [ -z "$(ps --ppid $loop -o stat= | grep -v Z)" ]
        check "cap-forks: kernel oom_kill 0" [ "$(oom_kills)" = 0 ]
        stop_guard
        kill -9 $loop 2>/dev/null; wait 2>/dev/null
        empty_cgroup
        wait_for "[ ! -s $PIDS/cgroup.procs ]" 5
        for d in $(echo $made | tr ' ' '\n' | tac); do rmdir "$d"; done
else
        skip "cap-forks: no v1 pids hierarchy to twin"
fi

# 4. A zombie factory is killed; init reaps its zombies.
start_guard $'usage_above = 99%\naction = warn' $'match = comm:^zombief$\nzombies_above = 10\nzombie_action = kill'
in_cgroup "$B/helpers/zombief" 40 20; factory=$!
wait_for "! kill -0 $factory 2>/dev/null || [ \"\$(awk '{print \$3}' /proc/$factory/stat)\" = Z ]" 15
check "zombies: the factory was killed" grep -Eq "supervisor sup: $factory \(zombief\): holds [0-9]+ zombie children \(zombies_above 10\): killed" "$TMP/log"
wait $factory 2>/dev/null
wait_for "[ -z \"\$(ps -eo ppid=,stat= | awk -v p=$factory '\$1 == p && \$2 ~ /Z/')\" ]" 5
check "zombies: its zombies are gone" [ -z "$(ps -eo ppid=,stat= | awk -v p=$factory '$1 == p && $2 ~ /Z/')" ]
stop_guard
exit $((failures > 0))
