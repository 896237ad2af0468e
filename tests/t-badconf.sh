#!/bin/bash
# Every tests/badconf/NN-*.conf must be refused by --check-config with a
# non-zero exit, and stderr must hold every line of its .expected file;
# every tests/badconf/warnings/NN-*.conf must pass with the warnings of its
# .expected file. etc/oomguard.conf must pass, without warnings. Run from
# the repo root: file names in the messages are the paths given to -c.
set -u
B=${1:?build dir}
# The checkout may sit under a world-writable directory (a clone in /tmp):
# the trust check of the policy file is tests/t-trust.sh's.
export OOMGUARD_TEST_TRUST_ANY_CONFIG=1
bin=$B/oomguard
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
cd "$(dirname "$0")/.." || exit 1
if [ ! -x "$bin" ]; then
        echo "not ok - badconf: $bin not built"
        exit 1
fi

check_bad() {
        local conf=$1 name expected err rc missing=0
        name=$(basename "$conf" .conf)
        expected=${conf%.conf}.expected
        err=$("$bin" --check-config -c "$conf" 2>&1 >/dev/null); rc=$?
        if [ ! -s "$expected" ]; then
                echo "not ok - badconf $name"
                echo "# missing or empty $expected"
                return
        fi
        while IFS= read -r line; do
                if ! grep -qxF -- "$line" <<<"$err"; then
                        [ $missing -eq 0 ] && echo "not ok - badconf $name"
                        echo "# expected: $line"
                        missing=$((missing + 1))
                fi
        done < "$expected"
        if grep -qE "Sanitizer|runtime error" <<<"$err"; then
                echo "not ok - badconf $name"
                echo "# sanitizer report"
        elif [ $missing -eq 0 ] && [ $rc -eq 0 ]; then
                echo "not ok - badconf $name"
                echo "# exit status 0, expected non-zero"
        elif [ $missing -eq 0 ]; then
                echo "ok - badconf $name"
                return
        fi
        printf '%s\n' "$err" | sed 's/^/# got: /'
}

for conf in tests/badconf/*.conf; do
        check_bad "$conf"
done

out=$("$bin" --check-config -c etc/oomguard.conf 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -qx "configuration OK" <<<"$out"; then
        echo "ok - goodconf etc/oomguard.conf"
else
        echo "not ok - goodconf etc/oomguard.conf (exit $rc)"
        printf '%s\n' "$out" | sed 's/^/# /'
fi

# Every commented-out example of etc/oomguard.conf must be valid too, and
# together they must set every key (policy_print shows unset ones).
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
sed -E 's/^;(\[cgroup:|\[supervisor:|\[adjust:|[a-z0-9_]+ = )/\1/' etc/oomguard.conf > "$tmp"
# The hook example names a program this machine need not have: one it has.
sed -i -E 's|^hook = .*|hook = /bin/true|' "$tmp"
out=$("$bin" --check-config -c "$tmp" 2>&1); rc=$?
# [cgroup:limits] is the shipped rule itself, not an example: it sets
# only the keys it needs.
out=$(awk '/^\[/ { shipped = $0 == "[cgroup:limits]" } !shipped' <<<"$out")
if [ $rc -eq 0 ] && ! grep -q "(unset)" <<<"$out"; then
        echo "ok - goodconf etc/oomguard.conf with every example uncommented"
else
        echo "not ok - goodconf etc/oomguard.conf with every example uncommented (exit $rc)"
        printf '%s\n' "$out" | grep -E "unset|:" | sed 's/^/# /'
fi

# The shipped file uses no deprecated spelling: with every example
# uncommented it loads without a single warning.
err=$("$bin" --check-config -c "$tmp" 2>&1 >/dev/null)
if [ -z "$err" ]; then
        echo "ok - goodconf etc/oomguard.conf with every example uncommented: no warning"
else
        echo "not ok - goodconf etc/oomguard.conf with every example uncommented: no warning"
        printf '%s\n' "$err" | sed 's/^/# /'
fi

# Every tests/badconf/warnings/NN-*.conf is accepted (exit 0, "configuration
# OK"), and stderr holds every line of its .expected file: the old
# spellings, each warned about with what to write instead.
for conf in tests/badconf/warnings/*.conf; do
        name=warnings/$(basename "$conf" .conf)
        expected=${conf%.conf}.expected
        out=$("$bin" --check-config -c "$conf" 2>"$tmp.err"); rc=$?
        err=$(cat "$tmp.err"); rm -f "$tmp.err"
        missing=$(grep -cvxF -f <(printf '%s\n' "$err") "$expected")
        if [ ! -s "$expected" ]; then
                echo "not ok - badconf $name: missing or empty $expected"
        elif [ $rc -ne 0 ] || ! grep -qx "configuration OK" <<<"$out"; then
                echo "not ok - badconf $name: refused (exit $rc)"
                printf '%s\n' "$err" | sed 's/^/# got: /'
        elif [ "$missing" -ne 0 ]; then
                echo "not ok - badconf $name: $missing expected warnings missing"
                grep -vxF -f <(printf '%s\n' "$err") "$expected" | sed 's/^/# expected: /'
                printf '%s\n' "$err" | sed 's/^/# got: /'
        else
                echo "ok - badconf $name"
        fi
done
