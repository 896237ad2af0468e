#!/bin/bash
# Fixture-tree scenarios: a config plus a fake /proc and /sys under
# tests/scenarios/NAME/root; the dry-run log must equal NAME/expected.
# UPDATE_GOLDEN=1 rewrites the expected files (review the diff!).
. "$(dirname "$0")/lib.sh"
for dir in tests/scenarios/*/; do
        name=$(basename "$dir")
        actual=$(mktemp)
        # Timings vary from run to run: mask them.
        $OOMGUARD --root "$dir/root" -c "$dir/conf" --dry-run --ticks 3 --log stderr 2>&1 >/dev/null |
                sed -E 's/(OOMGUARD_CHOOSE_MS)=[0-9.]+/\1=T/' > "$actual"
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
