#!/bin/bash
# make rootfs (deploy/image/rootfs.sh): the image's runtime tree holds the
# two programs, the policy, passwd and group, shared libraries and their
# symlinks and a /tmp (1777), nothing else; made twice it is the same,
# byte for byte; chrooted into it (as root) both programs run and the
# policy loads, and without one of its libraries they do not; the
# Dockerfile's runtime stage is that tree alone (FROM scratch, one COPY
# of it), as a non-root user.
# Whether the Dockerfile's build stage makes the same tree: make
# containercheck (tests/container/dockerfile.sh), which builds it afresh.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.." || exit 1
T=$(realpath -m "$B/image-test")
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

mk() { deploy/image/rootfs.sh "$1" "$B" /usr/local/sbin /usr/local/lib/oomguard /etc > /dev/null; }
# list DIR: type, mode, path, link target and the bytes' sha256, a line each.
list() {
        (cd "$1" && find . -printf '%y %m %p %l\n' | sort -k3 | while read -r y m p l; do
                h=; [ "$y" = f ] && h=$(sha256sum < "$p" | cut -c1-16)
                echo "$y $m $p${l:+ -> $l} $h"
        done)
}
if ! mk "$T/a" || ! mk "$T/b"; then
        not_ok "image: deploy/image/rootfs.sh makes the tree"; exit 1
fi
list "$T/a" > "$T/a.list"
list "$T/b" > "$T/b.list"
check "image: made twice, the tree is the same ($(wc -l < "$T/a.list") paths)" cmp -s "$T/a.list" "$T/b.list"

# Nothing but what the image needs: every regular file is one of the five
# named or a shared library (or the loader).
extra=$(awk '$1 == "f" { print $3 }' "$T/a.list" | grep -v -x -e ./usr/local/sbin/oomguard \
        -e ./usr/local/lib/oomguard/oomguard-metrics-httpd -e ./etc/oomguard.conf -e ./etc/passwd \
        -e ./etc/group -e './usr/lib/x86_64-linux-gnu/[^/]*\.so[.0-9]*' -e './usr/lib64/ld-linux[^/]*' \
        -e './usr/lib/[^/]*/[^/]*\.so[.0-9]*')
check "image: nothing but the programs, the policy, passwd, group and libraries${extra:+ (also: $extra)}" test -z "$extra"
# Sidecar mode writes /tmp/oomguard as 65532 (its reports, the restore file).
check "image: /tmp is there, mode 1777" grep -qx 'd 1777 ./tmp ' "$T/a.list"
check "image: the policy is etc/oomguard.conf" cmp -s "$T/a/etc/oomguard.conf" etc/oomguard.conf
check "image: a non-root user 65532 and nobody" sh -c "grep -q '^oomguard:x:65532:65532:' $T/a/etc/passwd && grep -q '^nobody:x:65534:' $T/a/etc/passwd"

# run ROOT CMD...: CMD chrooted into ROOT, with a /proc of its own (a
# sanitized build reads /proc/self/maps).
run() {
        local root=$1; shift
        mkdir -p "$root/proc"
        unshare --mount --fork sh -c 'mount --make-rprivate / && mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$root" "$@"
}
if [ "$(id -u)" = 0 ]; then
        out=$(run "$T/a" /usr/local/sbin/oomguard --version 2>&1)
        check "image: oomguard runs in the tree ($out)" grep -q '^oomguard ' <<< "$out"
        out=$(run "$T/a" /usr/local/sbin/oomguard -n -c /etc/oomguard.conf 2>&1)
        check "image: the tree's policy loads in it" test $? = 0
        out=$(run "$T/a" /usr/local/lib/oomguard/oomguard-metrics-httpd 2>&1)
        check "image: oomguard-metrics-httpd runs in the tree" grep -q '^usage: oomguard-metrics-httpd' <<< "$out"
        check "image: the image's user can make /tmp/oomguard in it" \
                setpriv --reuid=65532 --regid=65532 --clear-groups mkdir "$T/a/tmp/oomguard"
        rm -f "$T/b/usr/lib/x86_64-linux-gnu/libinih.so."*
        out=$(run "$T/b" /usr/local/sbin/oomguard --version 2>&1)
        check "image: without libinih it does not ($out)" grep -q 'libinih.so.1' <<< "$out"
else
        skip "image: running the programs in the tree needs root (chroot)"
fi

# The Dockerfile's runtime stage.
final=$(awk '/^FROM / { n++ } n == 2' Dockerfile | grep -v '^[[:space:]]*\(#\|$\)')
check "image: the Dockerfile's runtime stage is FROM scratch and one COPY of the build stage's make rootfs" \
        sh -c "printf '%s\n' \"\$1\" | grep -c '^COPY' | grep -qx 1 &&
               printf '%s\n' \"\$1\" | grep -qx 'FROM scratch' &&
               printf '%s\n' \"\$1\" | grep -qx 'COPY --from=build /rootfs/ /' &&
               grep -q '^RUN make .*rootfs .*ROOTFS=/rootfs' Dockerfile" sh "$final"
check "image: the Dockerfile runs as the tree's non-root user" grep -qx 'USER 65532:65532' Dockerfile
[ "$failures" -eq 0 ]
