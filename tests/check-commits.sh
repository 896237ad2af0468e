#!/bin/bash
# Commit subjects since the rule was set (README, Contributing): at most
# 72 characters, "area: what changed". Run by .ci/run; prints each
# offender and exits 1. Older history keeps its long subjects.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${COMMITS_SINCE:-88d2dca}
if ! git rev-parse -q --verify "$BASE^{commit}" >/dev/null 2>&1; then
        echo "check-commits: skip: $BASE is not in this clone (shallow?)"
        exit 0
fi
bad=0
while IFS= read -r line; do
        sha=${line%% *} subject=${line#* }
        if [ ${#subject} -gt 72 ]; then
                echo "check-commits: $sha: subject is ${#subject} characters (max 72): $subject"
                bad=1
        elif ! [[ $subject =~ ^[A-Za-z0-9_./,+\ -]+:\ . ]] && ! [[ $subject =~ ^Merge\  ]]; then
                echo "check-commits: $sha: subject is not \"area: what changed\": $subject"
                bad=1
        fi
done < <(git log --format='%h %s' "$BASE..HEAD")
[ $bad = 0 ] && echo "check-commits: $(git rev-list --count "$BASE..HEAD") commits since $BASE, every subject fine"
exit $bad
