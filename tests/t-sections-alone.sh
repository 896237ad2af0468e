#!/bin/bash
# Every kind of rule section alone is a policy the daemon runs: a policy
# of one [supervisor:], [adjust:], [global] or [cgroup:] section starts
# (READY=1), guards, and stops cleanly; the supervisor-only one finds a
# real zombie factory. Dry run: nothing on this machine is touched.
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
cleanup() {
        for p in ${og:-} ${nl:-} ${zf:-}; do kill "$p" 2>/dev/null; done
        wait 2>/dev/null
        rm -rf "$TMP"
}
trap cleanup EXIT

# run NAME WANT: start on $TMP/conf in dry run; WANT is a regex the
# guarding line must hold. Leaves it running ($og) with its log in $TMP/log.
run() {
        : > "$TMP/notes"
        $B/helpers/notify-listen "$TMP/notify" 30 > "$TMP/notes" &
        nl=$!
        wait_for "[ -S $TMP/notify ]" 5 || { not_ok "alone $1: notify socket"; exit 1; }
        NOTIFY_SOCKET=$TMP/notify $OOMGUARD -c "$TMP/conf" --dry-run --log stderr 2> "$TMP/log" &
        og=$!
        check "alone $1: READY=1 sent" wait_for "grep -q '^READY=1' $TMP/notes" 5
        check "alone $1: guarding, $2" wait_for "grep -q 'guarding: .*$2' $TMP/log" 5
}
# stop NAME: SIGTERM, exit 0, nothing refused.
stop() {
        kill -TERM "$og"
        if wait_for "! kill -0 $og 2>/dev/null" 5; then
                wait "$og"; rc=$?
                check "alone $1: SIGTERM stops with status 0" [ $rc = 0 ]
        else
                not_ok "alone $1: SIGTERM did not stop it"
        fi
        og=
        kill "$nl" 2>/dev/null; wait "$nl" 2>/dev/null; nl=
        rm -f "$TMP/notify"
        check "alone $1: no error logged" [ -z "$(grep -E ': (error|crit)' "$TMP/log")" ]
}

# [supervisor:] alone: the zombie-factory watch, on a real factory.
printf '[supervisor:zombies]\nmatch = comm:^zombief$\nzombies_above = 10\nzombie_action = kill\n' > "$TMP/conf"
check "alone supervisor: --check-config accepts it" eval '$OOMGUARD --check-config -c "$TMP/conf" > /dev/null' 
run supervisor "1 supervisor"
"$B/helpers/zombief" 40 10 & zf=$!
check "alone supervisor: the zombie factory was found" \
        wait_for "grep -Eq 'supervisor zombies: $zf \(zombief\): holds [0-9]+ zombie children \(zombies_above 10\): not acted on \(dry run\)' $TMP/log" 15
check "alone supervisor: and left alone (dry run)" kill -0 $zf
kill $zf; wait $zf 2>/dev/null; zf=
stop supervisor

# [adjust:] alone.
printf '[adjust:none]\ncomm = ^no-such-process-oomguard$\noom_score_adj = 500\n' > "$TMP/conf"
run adjust "1 adjust rule"
stop adjust

# [global] alone.
printf '[global]\nmem_available_below = 1%%\naction = warn\n' > "$TMP/conf"
run global "global. on"
stop global

# [cgroup:] alone (a path no cgroup has: it watches none, and runs).
printf '[cgroup:none]\npath = /no-such-cgroup-oomguard\nusage_above = 90%%\naction = warn\n' > "$TMP/conf"
run cgroup "1 cgroup rule"
stop cgroup

# Nothing at all is still refused: a file that guards nothing is a mistake.
printf '[daemon]\ninterval = 100ms\n' > "$TMP/conf"
out=$($OOMGUARD --check-config -c "$TMP/conf" 2>&1); rc=$?
check "alone: [daemon] only is refused (status $rc)" [ $rc != 0 ]
check "alone: and says why" grep -qF "no [global], [cgroup:NAME], [supervisor:NAME] or [adjust:NAME] rule; nothing to do" <<<"$out"
exit $((failures > 0))
