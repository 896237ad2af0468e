#!/bin/bash
# deploy/: the Grafana dashboard is valid JSON whose every query is valid
# PromQL; the Prometheus alert rules pass promtool check rules and their
# unit tests (promtool test rules); both query only metrics oomguard
# exports (tests/fixtures/metric-names, and man/oomguard.conf.5 once it lists
# them), and the dashboard shows every one. Each checker is also run on a
# broken copy, which it must refuse: a check that cannot fail is none.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.." || exit 1
DASH=deploy/grafana/oomguard-dashboard.json
RULES=deploy/prometheus/oomguard-alerts.yml
RTEST=deploy/prometheus/oomguard-alerts.test.yml
NAMES=tests/fixtures/metric-names
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Other exporters' series the rules may use, with why: the scrape's own
# up, and node_exporter's textfile collector's file time.
FOREIGN="up node_textfile_mtime_seconds"

# exprs FILE: every PromQL expression of a dashboard (.json) or a rules file.
exprs() {
        case $1 in
        *.json) jq -r '.. | objects | select(has("expr")) | .expr' "$1" ;;
        *) $PY -c 'import sys, yaml
for g in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for r in g["rules"]:
        print(r["expr"])' "$1" ;;
        esac
}
# names FILE: the metric names its expressions query (histogram series
# folded into the histogram's name), sorted, once each: what is left of
# an expression without its strings, label matchers, durations, grouping
# labels and the functions and keywords of PromQL.
names() {
        exprs "$1" | $PY -c 'import re, sys
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}
for e in sys.stdin:
    e = re.sub(r"\"(\\.|[^\"\\])*\"", "", e)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    for m in re.finditer(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?", e):
        if not m.group(2) and m.group(1) not in KEYWORDS:
            print(re.sub(r"_(bucket|sum|count)$", "", m.group(1)))' | sort -u
}
known() { { grep -v '^#' "$NAMES" | cut -d' ' -f1; tr ' ' '\n' <<<"$FOREIGN"; } | sort -u; }
# unknown FILE: the names FILE queries that oomguard does not export.
unknown() { comm -23 <(names "$1") <(known); }

# 1. The dashboard: JSON with panels, each with a query or a row.
if jq -e '.panels | length > 0 and all(.[]; .type == "row" or (.targets | length > 0))' "$DASH" > /dev/null; then
        ok "deploy: $DASH is JSON, every panel has a query"
else
        not_ok "deploy: $DASH is JSON, every panel has a query"
fi
sed '1s/{/{,/' "$DASH" > "$TMP/broken.json"
check "deploy: $DASH is not JSON when broken" sh -c "! jq . $TMP/broken.json > /dev/null 2>&1"

# 2. Names: the dashboard and the rules query only oomguard's metrics.
for f in "$DASH" "$RULES"; do
        bad=$(unknown "$f")
        check "deploy: $f queries only exported metrics ($(names "$f" | wc -l) names)" [ -z "$bad" ]
        [ -n "$bad" ] && diag "not exported: $bad"
done
sed 's/oomguard_cgroup_memory_usage_bytes/oomguard_cgroup_memory_usage/' "$DASH" > "$TMP/dash.json"
check "deploy: a misspelt metric in the dashboard is caught" [ "$(unknown "$TMP/dash.json")" = oomguard_cgroup_memory_usage ]
missing=$(comm -13 <(names "$DASH") <(grep -v '^#' "$NAMES" | cut -d' ' -f1 | sort))
check "deploy: the dashboard shows every exported metric" [ -z "$missing" ]
[ -n "$missing" ] && diag "not on the dashboard: $missing"
# The contract: once oomguard.conf(5) lists the metrics, it lists every one.
if grep -q 'oomguard_cgroup_memory_usage_bytes' man/oomguard.conf.5; then
        undocumented=$(grep -v '^#' "$NAMES" | cut -d' ' -f1 | while read -r n; do
                grep -qF "$n" man/oomguard.conf.5 || grep -qF "${n//_/\\_}" man/oomguard.conf.5 || echo "$n"
        done)
        check "deploy: man/oomguard.conf.5 names every metric" [ -z "$undocumented" ]
        [ -n "$undocumented" ] && diag "not in oomguard.conf(5): $undocumented"
else
        skip "deploy: man/oomguard.conf.5 names every metric: it lists no metrics yet"
fi

# The list is what the daemon writes: every family its file declares
# (a live guard, [global] warn-only, its metrics file in the test's folder).
if [ "$(id -u)" = 0 ]; then
        printf '[daemon]\nmetrics_file = %s/m.prom\nmetrics_interval = 1s\n[global]\nmem_available_below = 1%%\naction = warn\n' \
                "$TMP" > "$TMP/m.conf"
        env -u OOMGUARD_METRICS_FILE "$OOMGUARD" -c "$TMP/m.conf" --log stderr 2> "$TMP/m.log" &
        mpid=$!
        wait_for "[ -s $TMP/m.prom ]" 5
        kill "$mpid" 2> /dev/null; wait "$mpid" 2> /dev/null
        declared=$(grep '^# TYPE' "$TMP/m.prom" 2> /dev/null | awk '{ print $3, $4 }' | sort)
        listed=$(grep -v '^#' "$NAMES" | sort)
        check "deploy: $NAMES is every family the daemon writes, with its type" [ "$declared" = "$listed" ]
        [ "$declared" = "$listed" ] || diag "$(diff <(echo "$listed") <(echo "$declared"))"
else
        skip "deploy: the daemon's families: needs root (its live metrics file)"
fi

# 3. promtool: the rules, their unit tests, and the dashboard's queries.
if ! command -v promtool > /dev/null; then
        skip "deploy: promtool: not installed (Debian's prometheus)"
        exit $((failures > 0))
fi
out=$(promtool check rules "$RULES" 2>&1)
check "deploy: promtool check rules $RULES" grep -q SUCCESS <<<"$out" || diag "$out"
out=$(cd deploy/prometheus && promtool test rules "$(basename "$RTEST")" 2>&1)
check "deploy: promtool test rules $RTEST" grep -q SUCCESS <<<"$out" || diag "$out"
# Broken: a threshold moved (a day becomes half) fails the unit tests.
cp "$RTEST" "$TMP/" && sed 's/< 24 \* 3600/< 12 * 3600/' "$RULES" > "$TMP/$(basename "$RULES")"
check "deploy: promtool test rules fails when a threshold moves" sh -c "cd $TMP && ! promtool test rules $(basename "$RTEST") > /dev/null 2>&1"
# The dashboard's queries, with Grafana's variables given values, as
# recording rules: promtool parses every one.
{
        echo "groups:"
        echo "  - name: dashboard"
        echo "    rules:"
        i=0
        exprs "$DASH" | sed -e 's/\$__rate_interval/5m/g' -e 's/\$instance/.*/g' -e 's/\$cgroup/.*/g' | while IFS= read -r e; do
                i=$((i + 1))
                printf '      - record: dashboard_query_%d\n        expr: %s\n' $i "$(jq -Rn --arg e "$e" '$e')"
        done
} > "$TMP/dash-rules.yml"
out=$(promtool check rules "$TMP/dash-rules.yml" 2>&1)
check "deploy: every dashboard query is valid PromQL ($(grep -c 'record:' "$TMP/dash-rules.yml") queries)" grep -q SUCCESS <<<"$out" ||
        diag "$out"
sed -i '0,/expr: "/s/expr: "/expr: "sum by (/' "$TMP/dash-rules.yml"
check "deploy: a broken dashboard query is refused" sh -c "! promtool check rules $TMP/dash-rules.yml > /dev/null 2>&1"
exit $((failures > 0))
