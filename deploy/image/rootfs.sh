#!/bin/bash
# The runtime tree of the oomguard image (make rootfs; the Dockerfile's build
# stage runs the same target and its runtime stage is this tree alone):
#   SBINDIR/oomguard, PKGLIBDIR/oomguard-metrics-httpd (the guard execs it for
#   metrics_listen), exactly the shared libraries the two load (ldd's closure,
#   the loader included, each path with the symlinks that lead to it, as on
#   the build machine), SYSCONFDIR/oomguard.conf, and /etc/passwd and
#   /etc/group naming root, the image's user oomguard (65532) and nobody
#   (metrics_user). Nothing else: no shell, no package manager.
# Deterministic: made afresh, fixed modes, every mtime SOURCE_DATE_EPOCH (0).
# Debug info is stripped (the symbols stay, for backtraces).
#   rootfs.sh OUT BUILD_DIR SBINDIR PKGLIBDIR SYSCONFDIR
set -euo pipefail
OUT=${1:?usage: rootfs.sh OUT BUILD_DIR SBINDIR PKGLIBDIR SYSCONFDIR}
B=${2:?} SBINDIR=${3:?} PKGLIBDIR=${4:?} SYSCONFDIR=${5:?}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PROGS=("$B/oomguard" "$B/oomguard-metrics-httpd")

case $OUT in /|"") echo "rootfs.sh: refusing OUT=$OUT" >&2; exit 1 ;; esac
rm -rf "$OUT"
mkdir -p "$OUT"

# add PATH: the host's file PATH at the same path in the tree; every
# symlink on the way (/lib -> usr/lib, /lib64/ld-linux-x86-64.so.2 -> ...)
# becomes the same symlink there and is followed.
add() {
        local p=$1 pre="" rest=${1#/} c t
        while [ -n "$rest" ]; do
                c=${rest%%/*}
                if [ "$c" = "$rest" ]; then rest=""; else rest=${rest#*/}; fi
                pre="$pre/$c"
                [ -L "$pre" ] || continue
                t=$(readlink "$pre")
                if [ ! -L "$OUT$pre" ]; then
                        mkdir -p "$OUT$(dirname "$pre")"
                        ln -s "$t" "$OUT$pre"
                fi
                case $t in /*) ;; *) t="$(dirname "$pre")/$t" ;; esac
                add "$t${rest:+/$rest}"
                return
        done
        [ -e "$OUT$p" ] || install -D -m "$(stat -c %a "$p")" "$p" "$OUT$p"
}

# libs PROG...: every path ldd loads for them (the loader too), once each.
libs() {
        ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u
}

missing=$(ldd "${PROGS[@]}" | grep 'not found' || true)
if [ -n "$missing" ]; then
        echo "rootfs.sh: libraries not found:" >&2
        echo "$missing" >&2
        exit 1
fi
for l in $(libs "${PROGS[@]}"); do add "$l"; done

install -D -m 755 "$B/oomguard" "$OUT$SBINDIR/oomguard"
install -D -m 755 "$B/oomguard-metrics-httpd" "$OUT$PKGLIBDIR/oomguard-metrics-httpd"
strip --strip-debug "$OUT$SBINDIR/oomguard" "$OUT$PKGLIBDIR/oomguard-metrics-httpd"
install -D -m 644 "$SRC/etc/oomguard.conf" "$OUT$SYSCONFDIR/oomguard.conf"

# The image runs as oomguard (65532, a uid no distribution hands out);
# nobody is the metrics HTTP process's user (metrics_user).
mkdir -p "$OUT/etc"
cat > "$OUT/etc/passwd" <<'PASSWD'
root:x:0:0:root:/:/sbin/nologin
oomguard:x:65532:65532:oomguard:/:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
cat > "$OUT/etc/group" <<'GROUP'
root:x:0:
oomguard:x:65532:
nogroup:x:65534:
GROUP
chmod 644 "$OUT/etc/passwd" "$OUT/etc/group"

find "$OUT" -type d -exec chmod 755 {} +
# Sidecar mode's built-in reports and restore file are under /tmp/oomguard
# (main.c, SIDECAR_RESTORE_FILE): as 65532 it can only make that in a
# /tmp anyone may write to, sticky as on any system.
mkdir -p "$OUT/tmp"
chmod 1777 "$OUT/tmp"
find "$OUT" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
echo "  ROOTFS  $OUT ($(find "$OUT" ! -type d | wc -l) files, $(du -sk "$OUT" | cut -f1) KiB)"
