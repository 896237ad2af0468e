# Sourced by tests/container/run.sh (its helpers, its cleanup): the pod
# shape of deploy/kubernetes/oomguard-sidecar-pod.yaml under runc. Three
# containers share one pid namespace, as a pod's with
# shareProcessNamespace: a "pause" container (the namespace's PID 1, and a
# second process named like the app at 94 % of its own 256 MiB limit),
# the app (the test's hog as /usr/local/bin/app, 256 MiB) and oomguard
# --sidecar=app in a container of its own (16 MiB, uid 65532 like the
# app, the capabilities of step 3). Each container has its own v1 memory
# cgroup. Full-speed hogs in the app's container (runc exec) must be
# killed by oomguard before the kernel (the app cgroup's oom_kill, read
# from the host), the pause container's processes never; then the app is
# restarted as a new container (a new cgroup, as a kubelet does it) and
# must be found again and guarded.

# pod_bundle NAME ARGS_JSON LIMIT [PIDNS]: a bundle as bundle() makes it,
# running ARGS, LIMIT bytes, joining the pid namespace PIDNS (a path).
pod_bundle() {
        local name=$1 args=$2 limit=$3 pidns=${4:-} dir=$WORK/$1
        bundle "$name" "$CAPS"
        install -m 755 "$B/helpers/hog" "$dir/rootfs/usr/local/bin/app"
        jq --argjson args "$args" --argjson limit "$limit" --arg pidns "$pidns" '
                .process.args = $args | .linux.resources.memory = {limit: $limit} |
                if $pidns == "" then . else
                        .linux.namespaces |= map(if .type == "pid" then .path = $pidns else . end) end' \
                "$dir/config.json" > "$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}
# run_ready NAME PATTERN: runc run -d, then wait for PATTERN in its log.
run_ready() {
        NAMES+=("$1")
        (cd "$WORK/$1" && runc --root "$RUNC_ROOT" run -d "$1" > "$WORK/$1.log" 2>&1 < /dev/null)
        wait_for "grep -q '$2' $WORK/$1.log" 10
}
pod_race() { # pod_race NAME N [MIB_PER_S]: N hogs in NAME (full speed); sets WINS
        local name=$1 i before
        WINS=0
        for i in $(seq "$2"); do
                before=$(oom_kills "$name")
                runc --root "$RUNC_ROOT" exec "$name" /usr/local/bin/hog 1024 "${3:-0}" > /dev/null 2>&1
                [ $? = 137 ] && [ "$(oom_kills "$name")" = "$before" ] && WINS=$((WINS + 1))
                wait_for "[ \$(cat $MEMROOT$SELF/$name/memory.usage_in_bytes 2> /dev/null || echo 0) -lt $((LIMIT / 2)) ]" 5
        done
}

P=pod-$$
# One guard sees both races: under the built-in kill cap (10 a minute).
POD_TRIALS=${POD_TRIALS:-6}
pod_bundle $P-pause '["/usr/local/bin/hog", "4", "0", "hold"]' $LIMIT
if ! run_ready $P-pause ready; then
        not_ok "pod: the pause container starts"; diag "$(cat "$WORK/$P-pause.log")"
        return
fi
PIDNS=/proc/$(guard_pid $P-pause)/ns/pid
# Beside PID 1, in the pause container's cgroup: named like the app.
runc --root "$RUNC_ROOT" exec -d --env HOG_COMM=app $P-pause /usr/local/bin/hog 240 0 hold
pod_bundle $P-app '["/usr/local/bin/app", "8", "0", "hold"]' $LIMIT "$PIDNS"
run_ready $P-app ready || { not_ok "pod: the app container starts"; diag "$(cat "$WORK/$P-app.log")"; }
pod_bundle $P-guard '["/usr/local/sbin/oomguard", "--sidecar=app"]' $((16 << 20)) "$PIDNS"
if run_ready $P-guard 'info: armed'; then
        ok "pod: oomguard --sidecar=app starts in a container of its own, beside the app"
else
        not_ok "pod: oomguard --sidecar=app starts beside the app"; diag "$(cat "$WORK/$P-guard.log")"
fi
diag "$(grep -E 'sidecar|armed' "$WORK/$P-guard.log")"
check "pod: the app's container found by its name (not the pause container's process of that name)" \
        grep -q "sidecar: guarding the container of app (pid [0-9]*): cgroup $SELF/$P-app .*limit 256.0MiB" "$WORK/$P-guard.log"
check "pod: woken by a v1 usage threshold on the app's cgroup" \
        grep -q 'armed: 1 cgroups watched, 1 usage thresholds' "$WORK/$P-guard.log"
pod_race $P-app "$POD_TRIALS"
check "pod: the app's full-speed hogs killed by oomguard from its own container: $WINS of $POD_TRIALS" \
        test "$WINS" -ge $((POD_TRIALS - 1))
pid=$(guard_pid $P-guard)
diag "pod: oomguard beside the app: VmRSS $(awk '$1 == "VmRSS:" { print $2 }' /proc/"$pid"/status) kB, its container's usage $(($(cat "$MEMROOT$SELF/$P-guard/memory.usage_in_bytes") >> 10)) KiB"

# The app restarted: its container ends, a new one with a new cgroup,
# this time with runc's default read-only cgroup mount, as a pod's (no
# usage threshold can be written there: oomguard polls).
runc --root "$RUNC_ROOT" kill $P-app KILL
wait_for "[ \"\$(runc --root $RUNC_ROOT state $P-app | jq -r .status)\" = stopped ]" 10
runc --root "$RUNC_ROOT" delete -f $P-app
pod_bundle $P-app2 '["/usr/local/bin/app", "8", "0", "hold"]' $LIMIT "$PIDNS"
jq '(.mounts[] | select(.type == "cgroup") | .options) += ["ro"]' "$WORK/$P-app2/config.json" > "$WORK/ro.json" &&
        mv "$WORK/ro.json" "$WORK/$P-app2/config.json"
t0=$(date +%s%N)
run_ready $P-app2 ready || not_ok "pod: the restarted app starts"
t1=$(date +%s%N)
if wait_for "grep -q 'guarding the container of app again' $WORK/$P-guard.log" 10; then
        ok "pod: the restarted app found in its new cgroup, $((($(date +%s%N) - t0) / 1000000)) ms after runc run" \
                "(its process ready after $(((t1 - t0) / 1000000)) ms)"
else
        not_ok "pod: the restarted app found in its new cgroup"; diag "$(tail -5 "$WORK/$P-guard.log")"
fi
# The old app, not yet reaped, reads "/" in /proc/PID/cgroup: not a
# second container of app.
check "pod: the old app's zombie not taken for a second container of app" \
        sh -c "! grep -q 'runs in two containers' $WORK/$P-guard.log"
pod_race $P-app2 3 100
check "pod: the restarted app (read-only cgroup mount) guarded by the poll: 100 MiB/s leaks killed first, $WINS of 3" \
        test "$WINS" = 3
check "pod: the restarted app's read-only mount said (no usage-threshold wakeup: polls)" \
        sh -c "sed -n '/guarding the container of app again/,\$p' $WORK/$P-guard.log |
                grep -q 'sidecar: cannot register usage-threshold wakeups (cgroup.event_control: Read-only file system)'"
check "pod: the restarted app's kills woken by the poll, not a usage threshold" \
        sh -c "sed -n '/guarding the container of app again/,\$p' $WORK/$P-guard.log | grep ': killed' |
                grep -q 'OOMGUARD_WAKEUP=poll interval' &&
                ! sed -n '/guarding the container of app again/,\$p' $WORK/$P-guard.log | grep -q 'WAKEUP=v1 usage'"
kills=$(grep -c ': killed' "$WORK/$P-guard.log")
others=$(grep 'kill pid' "$WORK/$P-guard.log" | grep -v 'kill pid [0-9]* (hog)')
check "pod: oomguard killed only hogs ($kills kills)" test -z "$others"
check "pod: the pause container's processes alive" \
        test "$(wc -l < "$MEMROOT$SELF/$P-pause/cgroup.procs")" = 2
check "pod: the pause container's oom_kill is 0" test "$(oom_kills $P-pause)" = 0
