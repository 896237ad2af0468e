#!/bin/bash
# Fixture-tree scenarios: a config plus a fake /proc and /sys under
# tests/scenarios/NAME/root; the dry-run log must equal NAME/expected.
# UPDATE_GOLDEN=1 rewrites the expected files (review the diff!).
. "$(dirname "$0")/lib.sh"
for dir in tests/scenarios/*/; do
        name=$(basename "$dir")
        actual=$(mktemp)
        $OOMGUARD --root "$dir/root" -c "$dir/conf" --dry-run --ticks 3 --log stderr 2> "$actual" >&2
        if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$actual" "$dir/expected"; fi
        if diff -u "$dir/expected" "$actual" > "$actual.diff"; then
                ok "scenario $name"
        else
                not_ok "scenario $name"
                diag "$(cat "$actual.diff")"
        fi
        rm -f "$actual" "$actual.diff"
done
exit $((failures > 0))
