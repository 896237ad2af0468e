#!/bin/bash
# The installed unit: systemd-analyze security --offline=true rates it
# <= 2.0 (systemd-oomd's own: 2.0) and systemd-analyze verify finds
# nothing, so a regression of the hardening fails the ordinary suite.
# The unit under a real systemd: make systemdcheck (tests/systemd/run.sh).
. "$(dirname "$0")/lib.sh"
if ! command -v systemd-analyze > /dev/null; then skip "unit: no systemd-analyze"; exit 0; fi
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
make -s install B="$B" DESTDIR="$D" PREFIX=/usr SYSCONFDIR=/etc > "$D.log" 2>&1 || { not_ok "unit: make install failed"; cat "$D.log"; rm -f "$D.log"; exit 1; }
rm -f "$D.log"
unit=$D/usr/lib/systemd/system/oomguard.service
out=$(systemd-analyze security --offline=true "$unit" 2>&1)
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for oomguard.service: \([0-9]*\.[0-9]\).*/\1/p')
diag "exposure $score; what remains (oomguard.service.in says why):"
printf '%s\n' "$out" | grep '✗' | sed 's/  */ /g' | diag "$(cat)"
check "unit: exposure ${score:-?} <= 2.0 (systemd-analyze security --offline=true)" \
        awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
# verify resolves ExecStart= on this machine's paths: point it at the tree.
sed -e "s|^\(Exec[A-Za-z]*=+\{0,1\}\)/usr/sbin/|\1$D/usr/sbin/|" "$unit" > "$D/oomguard.service"
v=$(systemd-analyze verify --man=no "$D/oomguard.service" 2>&1 | grep -v 'Cannot add dependency job\|is not a valid\|^$')
check "unit: systemd-analyze verify is clean" [ -z "$v" ]
[ -z "$v" ] || diag "$v"
check "unit: no kill binary in the unit" sh -c "! grep -q 'bin/kill' '$unit'"
check "unit: ExecReload uses --reload-pid" grep -q '^ExecReload=+/usr/sbin/oomguard --reload-pid \$MAINPID -c /etc/oomguard.conf$' "$unit"
# "+": the policy file is checked as root (ownership, modes); the daemon is not root.
check "unit: the policy is checked as root before start and reload" \
        sh -c "grep -q '^ExecStartPre=+/usr/sbin/oomguard --check-config' '$unit' && grep -q '^ExecReload=+' '$unit'"
check "unit: process_mrelease allowed by the filter" grep -q '^SystemCallFilter=.*process_mrelease' "$unit"
exit $((failures > 0))
