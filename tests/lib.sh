# Shared helpers for script tests (sourced). Output protocol read by
# tests/run-suite.sh: "ok - NAME", "not ok - NAME", "skip - NAME: reason",
# diagnostics start with "#".
B=${1:?usage: $0 BUILD_DIR}
OOMGUARD=$B/oomguard
failures=0
# The daemons a test starts keep their reports in the build folder, not
# in the machine's /var/lib/oomguard/reports (tests/t-live-report.sh
# unsets it to test report_dir itself).
export OOMGUARD_REPORT_DIR=${OOMGUARD_REPORT_DIR-$(realpath -m "$B")/test-reports}
# Likewise their metrics file (tests/t-live-metrics.sh unsets it).
export OOMGUARD_METRICS_FILE=${OOMGUARD_METRICS_FILE-$(realpath -m "$B")/test-metrics/oomguard.prom}
# The policies tests write live under mktemp's /tmp, which a root oomguard
# does not trust (world-writable): the tests' opt-out. tests/t-trust.sh
# unsets it to test the check itself.
export OOMGUARD_TEST_TRUST_ANY_CONFIG=1
# And their restore file: one oomguard per file (a daemon of the machine,
# or of another build's suite, would make theirs refuse to start).
export OOMGUARD_RESTORE_FILE=${OOMGUARD_RESTORE_FILE-$(realpath -m "$B")/test-run/restore}

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
skip() { echo "skip - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
# check NAME COMMAND...: ok when the command succeeds.
check() {
        local name=$1; shift
        if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# Wait up to $2 seconds (default 10) for command $1 to succeed.
wait_for() {
        local cmd=$1 limit=${2:-10} i=0
        while ! eval "$cmd"; do
                i=$((i + 1))
                [ $i -ge $((limit * 20)) ] && return 1
                sleep 0.05
        done
}
# Integer |a-b| <= tol
near() { local d=$(( $1 - $2 )); [ ${d#-} -le $3 ]; }
# logged FILE PATTERN [SECONDS]: wait until grep finds PATTERN in FILE
# (a daemon may write its event a moment after the victim is reaped).
logged() {
        local i=0 limit=$(( ${3:-3} * 20 ))
        until grep -q -- "$2" "$1"; do
                i=$((i + 1)); [ $i -ge $limit ] && return 1
                sleep 0.05
        done
}
# v1_oom_kills DIR: the kernel's OOM kills in the v1 memory cgroup DIR.
v1_oom_kills() { sed -n 's/^oom_kill //p' "$1/memory.oom_control"; }
# hog_race PREFIX NAME: a full-speed hog ($HOG 1024) in the v1 cgroup $CG;
# ok when oomguard killed it (SIGKILL) and the cgroup's kernel oom_kill
# did not move, within 10 s. Sets HOG_PID.
hog_race() {
        local before rc t0 t1
        before=$(v1_oom_kills "$CG")
        t0=$(date +%s%N)
        sh -c "echo \$\$ > $CG/cgroup.procs; exec $HOG 1024" >/dev/null 2>&1 &
        HOG_PID=$!
        wait_for "! kill -0 $HOG_PID 2>/dev/null" 10
        t1=$(date +%s%N)
        wait $HOG_PID 2>/dev/null; rc=$?
        diag "$2: hog exit $rc after $(( (t1 - t0) / 1000000 )) ms, kernel oom_kill $before -> $(v1_oom_kills "$CG")"
        check "$1: $2: the hog killed by oomguard before the kernel" [ "$rc" = 137 -a "$(v1_oom_kills "$CG")" = "$before" ]
}
