#!/bin/bash
# [adjust:] rules without root: --check-config's shadowing and deprecation
# warnings (the rules are in the old one-key-per-field spelling), and
# --status --adjust over a fixture /proc (read only, nothing written).
. "$(dirname "$0")/lib.sh"
ROOT=tests/scenarios/victim-choice/root
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/conf" <<'CONF'
[adjust:db]
cmdline = ^postgres
oom_score_adj = -500

[adjust:hostile]
comm = ^x\)
oom_score_adj = 900
enforce = yes

[adjust:root-owned]
user = root
oom_score_adj = 100

[adjust:db-again]
cmdline = ^postgres
user = 0
oom_score_adj = 1
CONF

$OOMGUARD --check-config -c "$TMP/conf" > "$TMP/out" 2> "$TMP/err"; rc=$?
check "adjust: a shadowed rule is a warning, exit 0" [ $rc -eq 0 ]
check "adjust: warning names both rules and lines" grep -qxF \
        "$TMP/conf:14: [adjust:db-again]: never applies: shadowed by [adjust:db] (line 1)" "$TMP/err"
check "adjust: --check-config prints the rules back" grep -qx "oom_score_adj = -500" "$TMP/out"
check "adjust: an old selector key is a warning saying what to write" grep -qxF \
        "$TMP/conf:16: user: deprecated, write \"match = cmdline:^postgres && user:0\" instead" "$TMP/err"
check "adjust: --check-config prints it in the new spelling" grep -qxF "match = cmdline:^postgres && user:0" "$TMP/out"

$OOMGUARD --root $ROOT -c "$TMP/conf" --status --adjust > "$TMP/status" 2>&1
diag "$(grep -A9 '^adjust rules' "$TMP/status")"
jqc() { jq -e "$@" > /dev/null; }
row() { grep -qE "^$1 +$2 +$3 +$4 +$5 +$6\$" "$TMP/status"; }
check "adjust: --status lists postgres under db" row 201 postgres db -500 0 no
check "adjust: hostile name parsed whole, first match wins" row 202 "x\) R 1 \(y" hostile 900 0 yes
check "adjust: user rule matches sshd" row 205 sshd root-owned 100 -1000 no
check "adjust: pid 1, kernel threads, zombies are left out" \
        bash -c "! grep -qE '^(1|203|204) ' $TMP/status"
check "adjust: count line" grep -qx "processes matched by adjust rules: 4" "$TMP/status"
check "adjust: --status says the process-event mode" grep -q "^process events: " "$TMP/status"

$OOMGUARD --root $ROOT -c "$TMP/conf" --status --adjust --json > "$TMP/json" 2> "$TMP/json.err"
check "adjust: --json has 4 adjust entries" jqc '.adjust | length == 4' "$TMP/json"
check "adjust: --json entry" jqc '.adjust[] | select(.pid == 202 and .comm == "x) R 1 (y" and .rule == "hostile"
        and .wanted == 900 and .current == 0 and .enforce == true)' "$TMP/json"
check "adjust: the warning is logged at start too" grep -q "never applies" "$TMP/json.err"
check "adjust: so is the deprecation" grep -q "comm: deprecated, write" "$TMP/json.err"
check "adjust: --json process_events" jqc '.process_events | type == "string"' "$TMP/json"
$OOMGUARD --root $ROOT -c "$TMP/conf" --status --json > "$TMP/json2" 2>/dev/null
check "adjust: no adjust array without --adjust" jqc 'has("adjust") | not' "$TMP/json2"
check "adjust: fixture files untouched" grep -qx 0 $ROOT/proc/201/oom_score_adj
exit $((failures > 0))
