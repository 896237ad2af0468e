#!/bin/bash
# metrics_listen live: the guard starts oomguard-metrics-httpd, which
# serves metrics_file over HTTP as nobody; the guard never links
# libmicrohttpd; the process is restarted when killed and exits when the
# guard dies; a reload moves it; and while 16 scrapers hammer it for
# ~10 s, full-speed hogs in a v1 memory cgroup are still killed by the
# guard before the kernel (its oom_kill counter is the judge).
. "$(dirname "$0")/lib.sh"
# The file served is the test's own (written by hand below; the guard
# writes it once, at its first tick: metrics_interval = 1h).
unset OOMGUARD_METRICS_FILE
HTTPD=$B/oomguard-metrics-httpd
PY=/usr/bin/python3
MEMROOT=/sys/fs/cgroup/memory
if [ "$(id -u)" != 0 ]; then skip "metrics httpd: needs root (it drops to nobody)"; exit 0; fi
if ! command -v curl > /dev/null || [ ! -x $PY ]; then skip "metrics httpd: needs curl and $PY"; exit 0; fi
if [ ! -x "$HTTPD" ]; then not_ok "metrics httpd: $HTTPD not built"; exit 1; fi
NOBODY=$(id -u nobody 2>/dev/null) || { skip "metrics httpd: no user nobody"; exit 0; }
NOGROUP=$(id -g nobody)
TMP=$(mktemp -d)
chmod 755 "$TMP" # nobody reads the file in it
FILE=$TMP/metrics.prom
SELF=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
REL=${SELF%/}/oomguard-httpd-$$
CG=$MEMROOT$REL

stop_guard() { [ -n "${og:-}" ] && kill "$og" 2>/dev/null && wait "$og" 2>/dev/null; og=; }
cleanup() {
        stop_guard
        [ -n "${solo:-}" ] && kill "$solo" 2>/dev/null
        # A server that outlived its guard (a failure above) holds our stdout.
        [ -f "$TMP/servers" ] && while read -r p; do
                grep -qa oomguard-metrics-httpd "/proc/$p/cmdline" 2>/dev/null && kill "$p"
        done < "$TMP/servers"
        if [ -d "$CG" ]; then
                for _ in 1 2 3; do while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"; done
                wait 2>/dev/null
                wait_for "rmdir $CG 2>/dev/null" 5 || echo "# could not remove $CG"
        fi
        rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# A metrics file by hand (the writer's format, 1,000 cgroups: 64 KiB),
# made the way the guard makes it: written aside, renamed over.
write_metrics() {
        {
                echo "# HELP oomguard_build_info oomguard's version"
                echo "# TYPE oomguard_build_info gauge"
                echo "oomguard_build_info{version=\"$1\"} 1"
                echo "# TYPE oomguard_cgroup_memory_usage_bytes gauge"
                for i in $(seq 1000); do echo "oomguard_cgroup_memory_usage_bytes{cgroup=\"/test/c$i\"} $((i * 4096))"; done
        } > "$FILE.tmp"
        chmod 644 "$FILE.tmp"
        mv "$FILE.tmp" "$FILE"
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
server_pid() { pgrep -P "$og" -f "^oomguard-metrics-httpd " | head -1 | tee -a "$TMP/servers"; }

# start_guard PORT [RULES]: oomguard serving $FILE at 127.0.0.1:PORT.
start_guard() {
        local rules=${2:-$(printf '[global]\nmem_available_below = 1%%\naction = warn\n')}
        printf '[daemon]\ninterval = 100ms\npost_kill_delay = 100ms\nmax_kills_per_minute = 100\nmetrics_file = %s\nmetrics_interval = 1h\nmetrics_listen = 127.0.0.1:%s\n%s\n' \
                "$FILE" "$1" "$rules" > "$TMP/conf"
        : > "$TMP/log"
        "$B/oomguard" -c "$TMP/conf" --log stderr 2> "$TMP/log" &
        og=$!
        wait_for "grep -q guarding $TMP/log" 5 && wait_for "[ \$(code http://127.0.0.1:$1/metrics) = 200 ]" 5
}

# 1. Only the HTTP process links libmicrohttpd.
check "metrics httpd: the guard does not link libmicrohttpd" sh -c "! ldd $B/oomguard | grep -q libmicrohttpd"
check "metrics httpd: oomguard-metrics-httpd links it" sh -c "ldd $HTTPD | grep -q libmicrohttpd"

# 2. A scrape answers the file's bytes, as nobody.
write_metrics v1
PORT=$(free_port)
if ! start_guard "$PORT"; then
        not_ok "metrics httpd: the guard serves 127.0.0.1:$PORT"
        diag "$(cat "$TMP/log")"
        exit 1
fi
URL=http://127.0.0.1:$PORT
curl -s -D "$TMP/headers" -o "$TMP/got" "$URL/metrics"
check "metrics httpd: GET /metrics answers the file's bytes" cmp -s "$TMP/got" "$FILE"
check "metrics httpd: Content-Type text/plain; version=0.0.4" grep -qi "^Content-Type: text/plain; version=0.0.4" "$TMP/headers"
check "metrics httpd: GET / too" sh -c "curl -s $URL/ | cmp -s - $FILE"
check "metrics httpd: HEAD is 200 without a body" sh -c "[ \"\$(curl -s -I -o /dev/null -w '%{http_code} %{size_download}' $URL/metrics)\" = '200 0' ]"
check "metrics httpd: another path is 404" [ "$(code "$URL/metrics/x")" = 404 ]
check "metrics httpd: POST is 405" [ "$(code -X POST -d x=1 "$URL/metrics")" = 405 ]
write_metrics v2
check "metrics httpd: the file replaced by rename is read afresh" sh -c "curl -s $URL/metrics | grep -q 'version=\"v2\"'"
mv "$FILE" "$FILE.away"
check "metrics httpd: no file is 503" [ "$(code "$URL/metrics")" = 503 ]
mv "$FILE.away" "$FILE"
pid=$(server_pid)
st=/proc/$pid/status
check "metrics httpd: the server (pid $pid) runs as nobody: Uid $NOBODY x4" \
        grep -qP "^Uid:\t$NOBODY\t$NOBODY\t$NOBODY\t$NOBODY$" "$st"
check "metrics httpd: Gid $NOGROUP x4, no supplementary groups" \
        sh -c "grep -qP '^Gid:\t$NOGROUP\t$NOGROUP\t$NOGROUP\t$NOGROUP$' $st && grep -qP '^Groups:\s*$' $st"
check "metrics httpd: no capabilities (CapEff, CapPrm 0), NoNewPrivs 1" \
        sh -c "grep -qx 'CapEff:.0000000000000000' $st && grep -qx 'CapPrm:.0000000000000000' $st && grep -qP '^NoNewPrivs:\t1$' $st"
check "metrics httpd: not OOM-protected like the guard (oom_score_adj 0)" [ "$(cat "/proc/$pid/oom_score_adj")" = 0 ]
check "metrics httpd: below the guard's CPU priority (nice 10)" [ "$(ps -o ni= -p "$pid" | tr -d ' ')" = 10 ]

# 2b. Slow clients (slowloris): 40 connections that send half a request
# and wait. The server holds at most 32 and closes each after 5 s idle;
# the 8 beyond the limit wait in the listen queue, are taken then and
# closed 5 s later; then scrapes are answered again.
$PY - 127.0.0.1 "$PORT" > "$TMP/slow" 2>&1 <<'EOF'
import socket, sys, time
socks = []
for _ in range(40):
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    socks.append(s)
t0 = time.monotonic()
closed = []  # when the server closed each; one still open at 15 s is not
for s in socks:
    s.settimeout(max(0.01, t0 + 15 - time.monotonic()))
    try:
        s.recv(1)
    except socket.timeout:
        continue
    except OSError:
        pass
    closed.append(time.monotonic() - t0)
print("closed %d by_7s %d max_s %.1f" % (len(closed), sum(c < 7 for c in closed), max(closed, default=99)))
EOF
read -r _ nclosed _ by7 _ slow_max <<<"$(cat "$TMP/slow")"
check "metrics httpd: 40 slow clients closed by the server, ${by7:-?} within 7 s, the last after ${slow_max:-?} s" \
        $PY -c "import sys; sys.exit(not ('${nclosed:-0}' == '40' and 32 <= ${by7:-0} < 40 and 9 <= float('${slow_max:-99}') <= 12))"
check "metrics httpd: after the slow clients, a scrape is answered" [ "$(code "$URL/metrics")" = 200 ]

# 3. Killed: restarted (at most once a second), serving again.
t0=$(date +%s%N)
kill -9 "$pid"
if wait_for "[ -n \"\$(server_pid)\" ] && [ \"\$(server_pid)\" != $pid ] && [ \$(code $URL/metrics) = 200 ]" 5; then
        ok "metrics httpd: killed, restarted and serving again in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
else
        not_ok "metrics httpd: killed, restarted within 5 s"
fi
check "metrics httpd: the restart is logged" logged "$TMP/log" "metrics: restarting the HTTP process"

# 4. A reload to another port replaces the process.
PORT2=$(free_port)
old=$(server_pid)
sed -i "s/^metrics_listen = .*/metrics_listen = 127.0.0.1:$PORT2\nmetrics_user = daemon/" "$TMP/conf"
kill -HUP "$og"
check "metrics httpd: a reload to port $PORT2 serves there" wait_for "[ \$(code http://127.0.0.1:$PORT2/metrics) = 200 ]" 5
check "metrics httpd: as metrics_user = daemon (uid $(id -u daemon))" \
        grep -qP "^Uid:\t$(id -u daemon)\t" "/proc/$(server_pid)/status"
check "metrics httpd: and no more on $PORT" sh -c "! kill -0 $old 2>/dev/null && [ \$(curl -s -o /dev/null -w '%{http_code}' $URL/metrics) = 000 ]"
URL=http://127.0.0.1:$PORT2

# 5. The guard dies (SIGKILL: no stop): the server exits by itself.
pid=$(server_pid)
kill -9 "$og"
wait "$og" 2>/dev/null
og=
check "metrics httpd: the guard killed: the server (pid $pid) exits" wait_for "! kill -0 $pid 2>/dev/null" 3

# 6. IPv6 (the program alone, its parent this shell).
if $PY -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2> /dev/null; then
        "$HTTPD" --listen "[::1]:$PORT" --file "$FILE" --parent $$ & solo=$!
        check "metrics httpd: [::1]:$PORT answers" wait_for "[ \$(code 'http://[::1]:$PORT/metrics') = 200 ]" 3
        kill "$solo"; wait "$solo" 2>/dev/null; solo=
else
        skip "metrics httpd: [::1]: no IPv6 loopback"
fi
check "metrics httpd: a bad address is refused (exit 2)" \
        sh -c "$HTTPD --listen localhost:1 --file $FILE 2>/dev/null; [ \$? = 2 ]"

# 7. The hammer: 16 scrapers for ~10 s while full-speed hogs fill a
# 256 MiB v1 cgroup; the guard must win every race.
if [ ! -f $MEMROOT/memory.limit_in_bytes ]; then
        skip "metrics httpd: hammer: no cgroup v1 memory controller at $MEMROOT"
        exit $((failures > 0))
fi
mkdir "$CG" && echo 256M > "$CG/memory.limit_in_bytes" || { not_ok "metrics httpd: create $CG"; exit 1; }
oom_kills() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }
PORT=$(free_port)
URL=http://127.0.0.1:$PORT
start_guard "$PORT" "$(printf '[cgroup:test]\npath = %s\nusage_above = 90%%\naction = kill\n' "$REL")" ||
        { not_ok "metrics httpd: hammer: guard up"; diag "$(cat "$TMP/log")"; exit 1; }
# OOMGUARD_HAMMER_THREADS=0: the same hogs without scrapers (a baseline).
# The scrapers are the load, not what is tested: at nice 19, so that on
# 2 cores they do not starve the guard themselves (a real scraper runs in
# a pod with its own CPU); the server they hammer runs at nice 10.
nice -n 19 $PY - "$URL/metrics" 10 "${OOMGUARD_HAMMER_THREADS:-16}" > "$TMP/hammer" 2>&1 <<'EOF' &
import sys, threading, time, urllib.request
url, secs, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
lat, bad, lock = [], [0], threading.Lock()
end = time.monotonic() + secs
def run():
    while time.monotonic() < end:
        t = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                ok = r.status == 200 and len(r.read()) > 0
        except Exception:
            ok = False
        with lock:
            (lat.append(time.monotonic() - t) if ok else bad.__setitem__(0, bad[0] + 1))
ts = [threading.Thread(target=run) for _ in range(n)]
[t.start() for t in ts]
[t.join() for t in ts]
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else -1
print("scrapes %d failed %d p50_ms %.1f p99_ms %.1f max_ms %.1f" % (len(lat), bad[0], q(0.5), q(0.99), q(1.0)))
EOF
hammer=$!
sleep 1
before=$(oom_kills) runs=0 wins=0 lifetimes="" end=$(($(date +%s) + 9))
while [ "$(date +%s)" -lt $end ] && [ $runs -lt 30 ]; do
        runs=$((runs + 1))
        t0=$(date +%s%N)
        sh -c "echo \$\$ > $CG/cgroup.procs; exec $B/helpers/hog 1024" > /dev/null 2>&1 &
        pid=$!
        wait $pid 2>/dev/null; rc=$?
        lifetimes="$lifetimes $(( ($(date +%s%N) - t0) / 1000000 ))"
        logged "$TMP/log" "kill pid $pid (hog)" 2
        if [ $rc = 137 ] && grep -q "kill pid $pid (hog)" "$TMP/log"; then wins=$((wins + 1)); fi
        sleep 0.2
done
wait "$hammer"
h=$(cat "$TMP/hammer")
diag "hammer: $h" "hogs: $wins/$runs killed by oomguard, kernel oom_kill $before -> $(oom_kills)" \
        "hog lifetimes (start to reaped, ms):$lifetimes" \
        "working set at the kill, % of limit: $(grep -oP 'kill pid \d+ \(hog\): rule test on \S+: working set \K[0-9.]+%' "$TMP/log" | sort -n | tr '\n' ' ')" \
        "choose ms: $(grep -o 'OOMGUARD_CHOOSE_MS=[0-9.]*' "$TMP/log" | cut -d= -f2 | sort -n | tr '\n' ' ')" \
        "kill to exit ms: $(grep -o 'OOMGUARD_EXIT_MS=[0-9.]*' "$TMP/log" | cut -d= -f2 | sort -n | tr '\n' ' ')"
read -r _ n _ nbad _ p50 _ p99 _ <<<"$h"
if [ "${OOMGUARD_HAMMER_THREADS:-16}" != 0 ]; then
        check "metrics httpd: hammer: scrapes answered (${n:-0}, ${nbad:-?} failed, p50 ${p50:-?} ms, p99 ${p99:-?} ms)" \
                [ "${n:-0}" -gt 100 -a "${nbad:-1}" = 0 ]
fi
check "metrics httpd: hammer: every hog killed by oomguard ($wins/$runs)" [ $runs -ge 5 -a $wins = $runs ]
check "metrics httpd: hammer: kernel oom_kill unchanged" [ "$(oom_kills)" = "$before" ]
stop_guard
exit $((failures > 0))
