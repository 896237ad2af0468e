#!/bin/bash
# The Dockerfile builds the tree `make rootfs` builds (part of make
# containercheck). No registry and no docker daemon are reachable here, so
# the Dockerfile is interpreted, instruction by instruction, and any
# instruction this interpreter does not know fails the test:
#   FROM debian:bookworm AS build: this host (Debian 12) as the base, seen
#     through an overlay (its / read-only under a tmpfs, in a mount
#     namespace of the test's own) and entered with chroot;
#   WORKDIR: mkdir -p and the directory of what follows;
#   COPY SRC DST (build stage): the build context as docker sends it (the
#     checkout less what .dockerignore names) into the chroot;
#   RUN (shell form): verbatim, /bin/sh -c in the chroot;
#   FROM scratch, COPY --from=build SRC DST: from the chroot into an empty
#     tree; USER, ENTRYPOINT, CMD: checked against that tree.
# That tree is compared with $B/rootfs (make rootfs of the checkout): every
# path, type, mode and link target, every file's bytes; the two programs
# without their build-id note (it hashes the build directory's debug info,
# which strip drops). What this does not exercise: docker itself, a
# debian:bookworm image newer than this host (its libraries' versions name
# the files), COPY's ownership (root here as there).
#   tests/container/dockerfile.sh BUILD_DIR [DOCKERFILE]
. "$(dirname "$0")/../lib.sh"
cd "$(dirname "$0")/../.." || exit 1
DOCKERFILE=${2:-Dockerfile}
T=$(realpath -m "$B/dockerfile-test")

[ "$(id -u)" = 0 ] || { skip "dockerfile: needs root (mount namespace, chroot)"; exit 0; }
. /etc/os-release
if [ "$ID:$VERSION_CODENAME" != debian:bookworm ]; then
        skip "dockerfile: this host is $ID $VERSION_CODENAME, the build stage's base is debian:bookworm"
        exit 0
fi
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

# The instructions, one a line: continuation lines joined, comments and
# blank lines dropped.
sed -e 's/^[[:space:]]*#.*//' "$DOCKERFILE" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' |
        grep -v '^[[:space:]]*$' > "$T/instructions"

# context DIR: the checkout as docker's build context, less what
# .dockerignore names (patterns from the context's root, bash globs with
# globstar: what docker's matcher does for the patterns used there).
context() {
        local dir=$1 p e top=()
        mapfile -t pats < <(grep -v '^[[:space:]]*\(#\|$\)' .dockerignore)
        for p in "${pats[@]}"; do
                case $p in "!"*) echo "unsupported .dockerignore line: $p" >&2; return 1 ;; esac
        done
        shopt -s dotglob nullglob
        for e in *; do
                for p in "${pats[@]}"; do
                        # shellcheck disable=SC2053
                        [[ $e == $p ]] && continue 2
                done
                top+=("$e")
        done
        mkdir -p "$dir"
        tar -cf - "${top[@]}" | tar -C "$dir" -xf - || return 1
        shopt -s globstar
        for p in "${pats[@]}"; do (cd "$dir" && rm -rf -- $p); done
        shopt -u globstar dotglob nullglob
}

# The interpreter runs inside its own mount namespace: every mount it makes
# goes when it ends.
cat > "$T/interp.sh" << 'INTERP'
set -u
T=$1 SRC=$2
M=$T/merged IMG=$T/image
mount --make-rprivate /
mount -t tmpfs -o size=4g tmpfs "$T/ovl"
mkdir -p "$T/ovl/upper" "$T/ovl/work" "$M" "$IMG"
stage= wd=/ user= entry=
while read -r ins args; do
        case "$ins $args" in
        "FROM debian:bookworm AS build")
                stage=build
                mount -t overlay overlay -o "lowerdir=/,upperdir=$T/ovl/upper,workdir=$T/ovl/work" "$M" || exit 1
                mount -t proc proc "$M/proc" && mount --rbind /dev "$M/dev" || exit 1 ;;
        "FROM scratch") stage=final; wd=/ ;;
        "WORKDIR "*) wd=$args; [ "$stage" = build ] && mkdir -p "$M$wd" ;;
        "COPY --from=build "*)
                [ "$stage" = final ] || { echo "COPY --from outside the final stage" >&2; exit 1; }
                set -- $args; shift
                mkdir -p "$IMG$2" && cp -a "$M$1/." "$IMG$2" || exit 1 ;;
        "COPY "*)
                [ "$stage" = build ] || { echo "COPY of the context outside the build stage" >&2; exit 1; }
                set -- $args
                [ "$1" = . ] || { echo "COPY $args: only the whole context" >&2; exit 1; }
                case $2 in /*) d=$2 ;; *) d=$wd/$2 ;; esac
                mkdir -p "$M$d" && cp -a "$SRC/." "$M$d" || exit 1 ;;
        "RUN ["*) echo "RUN in exec form: not interpreted" >&2; exit 1 ;;
        "RUN "*)
                [ "$stage" = build ] || { echo "RUN outside the build stage" >&2; exit 1; }
                echo "# RUN $args"
                chroot "$M" /bin/sh -c "cd $wd && $args" > "$T/run.log" 2>&1 ||
                        { tail -20 "$T/run.log" >&2; echo "RUN failed: $args" >&2; exit 1; } ;;
        "USER "*) user=$args ;;
        "ENTRYPOINT "*) entry=$args ;;
        "CMD "*) ;;
        *) echo "instruction not interpreted: $ins $args" >&2; exit 1 ;;
        esac
done < "$T/instructions"
[ "$stage" = final ] || { echo "the last stage is not FROM scratch" >&2; exit 1; }
echo "$user" > "$T/user"
echo "$entry" > "$T/entrypoint"
INTERP

# tree DIR: one line per path: type, mode, path, link target, and the
# bytes' sha256 (the programs' without the build-id note).
tree() {
        (cd "$1" && find . -printf '%y %m %p %l\n' | sort -k3) | while read -r y m p l; do
                h=
                if [ "$y" = f ]; then
                        if [ "${p#./usr/local/}" != "$p" ]; then
                                objcopy --remove-section .note.gnu.build-id "$1/$p" "$T/noid" &&
                                        h=$(sha256sum < "$T/noid" | cut -c1-16)
                        else
                                h=$(sha256sum < "$1/$p" | cut -c1-16)
                        fi
                fi
                echo "$y $m $p${l:+ -> $l} $h"
        done
}

mkdir -p "$T/ovl"
if ! context "$T/context"; then
        not_ok "dockerfile: the build context (.dockerignore)"
        exit 1
fi
start=$(date +%s)
if unshare --mount --fork bash "$T/interp.sh" "$T" "$T/context" > "$T/interp.log" 2>&1; then
        ok "dockerfile: $DOCKERFILE interpreted ($(($(date +%s) - start)) s: build stage on this host, runtime stage FROM scratch)"
else
        not_ok "dockerfile: $DOCKERFILE interpreted"
        diag "$(tail -20 "$T/interp.log")"
        exit 1
fi
tree "$T/image" > "$T/image.list"
tree "$B/rootfs" > "$T/rootfs.list"
if diff -u "$T/rootfs.list" "$T/image.list" > "$T/tree.diff"; then
        ok "dockerfile: the image's tree is make rootfs's tree ($(wc -l < "$T/image.list") paths, bytes alike)"
else
        not_ok "dockerfile: the image's tree is make rootfs's tree"
        diag "$(head -30 "$T/tree.diff")"
fi
# The comparison can fail: the same tree less one library, plus a file.
cp -a "$T/image" "$T/broken"
rm -f "$T/broken/usr/lib/x86_64-linux-gnu/libinih.so."*
touch -d @0 "$T/broken/etc/extra"
tree "$T/broken" > "$T/broken.list"
n=$(diff "$T/rootfs.list" "$T/broken.list" | grep -c '^[<>]')
check "dockerfile: a tree less libinih and with an extra file differs ($n lines)" test "$n" = 3
user=$(cat "$T/user")
uid=${user%%:*}
check "dockerfile: USER $user is a non-root user of the tree's /etc/passwd" \
        sh -c "[ '$uid' != 0 ] && awk -F: '\$3 == \"$uid\"' '$T/image/etc/passwd' | grep -q ."
entry=$(jq -r '.[0]' <<< "$(cat "$T/entrypoint")" 2> /dev/null)
check "dockerfile: ENTRYPOINT $entry is an executable of the tree" test -x "$T/image$entry"
[ "$failures" -eq 0 ]
