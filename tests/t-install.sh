#!/bin/bash
# make install / uninstall into a DESTDIR honour PREFIX and SYSCONFDIR,
# and the installed unit points at the installed binary and config.
. "$(dirname "$0")/lib.sh"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
make -s install B="$B" DESTDIR="$D" PREFIX=/opt/og SYSCONFDIR=/etc/og > "$D.log" 2>&1 || { not_ok "install: make install failed"; cat "$D.log"; exit 1; }
for f in /opt/og/sbin/oomguard /etc/og/oomguard.conf /opt/og/share/man/man8/oomguard.8 \
         /opt/og/share/man/man5/oomguard.conf.5 /opt/og/lib/systemd/system/oomguard.service \
         /opt/og/lib/oomguard/oomguard-metrics-httpd; do
        check "install: $f" [ -f "$D$f" ]
done
unit=$D/opt/og/lib/systemd/system/oomguard.service
check "install: unit runs the installed binary" grep -q '^ExecStart=/opt/og/sbin/oomguard -c /etc/og/oomguard.conf$' "$unit"
check "install: unit is Type=notify" grep -q '^Type=notify$' "$unit"
check "install: unit has OOMScoreAdjust=-1000 and ExecReload" \
        sh -c "grep -q '^OOMScoreAdjust=-1000$' '$unit' && grep -q '^ExecReload=' '$unit'"
check "install: no placeholder left in the unit" sh -c "! grep -q '@[A-Z_]*@' '$unit'"
check "install: installed config passes --check-config" \
        sh -c "'$D/opt/og/sbin/oomguard' -n -c '$D/etc/og/oomguard.conf' | grep -q 'configuration OK'"
make -s uninstall B="$B" DESTDIR="$D" PREFIX=/opt/og SYSCONFDIR=/etc/og > /dev/null 2>&1
check "uninstall: binary removed" [ ! -e "$D/opt/og/sbin/oomguard" ]
check "uninstall: unit removed" [ ! -e "$unit" ]
check "uninstall: the metrics HTTP program removed" [ ! -e "$D/opt/og/lib/oomguard/oomguard-metrics-httpd" ]
check "uninstall: the admin's config is kept" [ -f "$D/etc/og/oomguard.conf" ]
rm -f "$D.log"
exit $((failures > 0))
