#!/bin/bash
# Run every test of one build directory and record the totals.
#   cmocka unit tests:   $B/tests/test_*        (counts from cmocka's summary)
#   script tests:        tests/t-*.sh $B        (lines "ok - ...", "not ok - ...", "skip - ...")
# Writes $B/test-results ("passed failed skipped") and exits non-zero on failure.
set -u
B=${1:?build dir}
passed=0 failed=0 skipped=0
log=$B/test-log
: > "$log"

for t in "$B"/tests/test_*; do
        [ -x "$t" ] || continue
        out=$("$t" 2>&1); rc=$?
        printf '%s\n' "$out" >> "$log"
        p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
        f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
        p=${p:-0} f=${f:-0}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crash, sanitizer abort
        passed=$((passed + p)) failed=$((failed + f))
        if [ "$f" -ne 0 ]; then
                echo "FAIL $(basename "$t") ($f failed)"
                printf '%s\n' "$out" | grep -E 'FAIL|ERROR|error|Sanitizer|runtime error' | head -20
        else
                echo "pass $(basename "$t") ($p)"
        fi
done

for t in tests/t-*.sh; do
        [ -x "$t" ] || continue
        out=$("$t" "$B" 2>&1); rc=$?
        printf '%s\n' "$out" >> "$log"
        p=$(printf '%s\n' "$out" | grep -c '^ok - ')
        f=$(printf '%s\n' "$out" | grep -c '^not ok - ')
        s=$(printf '%s\n' "$out" | grep -c '^skip - ')
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $t exited $rc" >> "$log"; fi
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
        if [ "$f" -ne 0 ]; then
                echo "FAIL $(basename "$t") ($f failed, rc $rc)"
                printf '%s\n' "$out" | grep -E '^(not ok|#)' | head -30
        else
                echo "pass $(basename "$t") ($p passed, $s skipped)"
        fi
        printf '%s\n' "$out" | grep '^skip - ' | sed 's/^/  /'
done

echo "$passed $failed $skipped" > "$B/test-results"
echo "$B: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
