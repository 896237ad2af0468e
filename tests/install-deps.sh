#!/bin/sh
# Install the Debian packages given as arguments when they are missing.
# Idempotent: does nothing when all are installed. As non-root, prints the
# command to run instead.
missing=""
for p in "$@"; do
        st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
        case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
        echo "missing Debian packages:$missing" >&2
        echo "run as root: apt-get update && $cmd" >&2
        exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && $cmd >/dev/null || { echo "apt-get failed:$missing" >&2; exit 1; }
