#!/bin/sh
# Add up the results of the plain and the sanitizer runs: one closing line.
p=0 f=0 s=0
for r in "$@"; do
        [ -f "$r" ] || { f=$((f + 1)); continue; }
        read -r rp rf rs < "$r"
        p=$((p + rp)) f=$((f + rf)) s=$((s + rs))
done
echo "check: $p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
