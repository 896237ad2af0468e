#!/bin/bash
# Valgrind's memcheck over 1,000 ticks of fixture scenarios that between
# them fire every rule kind in dry run (tests/scenarios/: [global] by PSI
# and by watermark, [cgroup:] kills with victim choice, supervisor-first,
# reclaim-first, containers' hostile names; VALGRIND_SCENARIOS=all for
# every one): 0 errors and 0 definite leaks. The plain build only (ASan's
# runtime and valgrind exclude each other).
. "$(dirname "$0")/lib.sh"
if ! command -v valgrind > /dev/null; then not_ok "valgrind: not installed (DEB_TEST_DEPS)"; exit 1; fi
if ldd "$OOMGUARD" | grep -q libasan; then skip "valgrind: an ASan build"; exit 0; fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$(dirname "$0")/.." || exit 1
picked="hybrid-global-psi watermark-min victim-choice supervisor-first v1-reclaim-first v1-hostile-names"
[ "${VALGRIND_SCENARIOS:-}" = all ] && picked=$(cd tests/scenarios && echo */)
for dir in $picked; do
        dir=tests/scenarios/${dir%/}
        name=$(basename "$dir")
        [ -f "$dir/conf" ] || continue
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
                --show-leak-kinds=definite --log-file="$TMP/$name.vg" \
                "$OOMGUARD" --root "$dir/root" -c "$dir/conf" --dry-run --ticks 1000 --log stderr \
                > /dev/null 2> "$TMP/$name.log"
        rc=$?
        acted=$(grep -c "would " "$TMP/$name.log")
        # The unhandled-syscall notice (epoll_pwait2, newer than this valgrind) is not an error.
        errors=$(grep -v "unhandled amd64-linux syscall\|write your own handler\|README_MISSING\|consider this a bug\|valgrind.org/support" "$TMP/$name.vg" | grep -c "==")
        if [ $rc = 0 ] && [ "$errors" = 0 ]; then
                ok "valgrind: $name: 1,000 ticks, no error, no definite leak ($acted dry-run actions logged)"
        else
                not_ok "valgrind: $name: status $rc"
                grep -v "unhandled amd64-linux" "$TMP/$name.vg" | head -20 | sed 's/^/# /'
        fi
done
exit $((failures > 0))
