#!/bin/sh
# Install the Debian packages given as arguments when they are missing.
# Idempotent and quiet: when all are installed it prints nothing and costs one
# dpkg-query (the Makefile runs it before every build). As non-root, prints the
# one command to run instead and fails. Without dpkg (not Debian) it does nothing.
command -v dpkg-query >/dev/null 2>&1 || exit 0

# missing PKG...: the arguments that are not installed, on one line
missing() {
        installed=" $(dpkg-query -W -f='${Status} ${Package}\n' "$@" 2>/dev/null |
                awk '$3 == "installed" { printf "%s ", $4 }')"
        for p in "$@"; do
                case "$installed" in *" $p "*) ;; *) printf ' %s' "$p" ;; esac
        done
}

[ $# -gt 0 ] || exit 0
miss=$(missing "$@")
[ -z "$miss" ] && exit 0
cmd="apt-get install -y --no-install-recommends$miss"
if [ "$(id -u)" != 0 ]; then
        echo "missing Debian packages:$miss" >&2
        echo "run as root: apt-get update && $cmd" >&2
        exit 1
fi
# One installer at a time (make -j may start two; the lock is on this
# script): the other may have installed what we lack meanwhile.
exec 9<"$0" && flock 9
miss=$(missing $miss)
[ -z "$miss" ] && exit 0
cmd="apt-get install -y --no-install-recommends$miss"
echo "installing:$miss"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && $cmd >/dev/null || { echo "apt-get failed:$miss" >&2; exit 1; }
