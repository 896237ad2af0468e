#!/bin/bash
# shellcheck disable=SC2054  # qemu options are comma lists, not array separators
# vm-run.sh: run one command inside a throwaway qemu VM (Debian's kernel, a busybox
# initramfs, the host's /usr read-only) and pass back its output and exit status.
# Used by `make vmcheck` (tests/vm/run-scenarios.sh); see tests/vm/README.md.
#
# Exit status: the command's own; 124 wall-clock timeout; 125 the VM died (panic,
# bad option, missing package) without returning one. No qemu process outlives this
# script: it is killed on exit, timeout, Ctrl-C and SIGTERM, and by the kernel
# (parent-death signal) even if this script is SIGKILLed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd -P)
ME=vm-run

usage() {
        cat <<'EOF'
usage: tests/vm/vm-run.sh [options] [--] COMMAND [ARGS...]
  --layout v2|v1|hybrid   cgroups in the VM (default v2)
                          v2:     cgroup2 alone at /sys/fs/cgroup (cgroup_no_v1=all), every
                                  controller (memory too) enabled in the root's subtree_control
                          v1:     v1 hierarchies memory, cpu,cpuacct, pids, freezer under /sys/fs/cgroup
                          hybrid: v1 as above plus an empty cgroup2 at /sys/fs/cgroup/unified
  --mem SIZE              VM RAM (default 512M; MemTotal in the VM is ~50 MiB less)
  --cpus N                vCPUs (default 2)
  --swap none|zram:SIZE|disk:SIZE   (default none: filling RAM gives a real global OOM)
  --timeout SEC           wall-clock limit, then exit 124 (default 300)
  --share DIR             also share host folder DIR read-write at the same path (repeatable)
  --repo-rw               share the repository read-write (default read-only)
  --workdir DIR           working directory in the VM (default: the repository)
  --env NAME=VALUE        environment of the command (repeatable)
  --append 'ARGS'         extra kernel command line
  --kmsg                  stream the kernel console to stderr (loglevel 7)
  --log FILE              copy the kernel console log to FILE
  -i                      interactive shell on the VM's serial port (Ctrl-a x quits)
  -v                      timings and the qemu command line on stderr
  --rebuild               rebuild the cached vmlinux and initramfs
Environment: OOMGUARD_VM_CACHE (default /var/tmp/oomguard-vm), OOMGUARD_VM_KERNEL (a /boot/vmlinuz-*).
EOF
}
die() { echo "$ME: $*" >&2; exit 125; }
say() { [[ -z $VERBOSE ]] || echo "$ME: $*" >&2; }

LAYOUT=v2 MEM=512M CPUS=2 SWAP=none TIMEOUT=300 APPEND_EXTRA='' KMSG='' LOGFILE=''
INTERACTIVE='' VERBOSE='' REBUILD='' REPO_MODE=ro WORKDIR=$REPO
SHARES=() ENVS=()
while (($#)); do
        case $1 in
        --layout) LAYOUT=${2:?}; shift 2 ;;
        --mem) MEM=${2:?}; shift 2 ;;
        --cpus) CPUS=${2:?}; shift 2 ;;
        --swap) SWAP=${2:?}; shift 2 ;;
        --timeout) TIMEOUT=${2:?}; shift 2 ;;
        --share) SHARES+=("${2:?}"); shift 2 ;;
        --repo-rw) REPO_MODE=rw; shift ;;
        --workdir) WORKDIR=${2:?}; shift 2 ;;
        --env) ENVS+=("${2:?}"); shift 2 ;;
        --append) APPEND_EXTRA=${2:?}; shift 2 ;;
        --kmsg) KMSG=1; shift ;;
        --log) LOGFILE=${2:?}; shift 2 ;;
        -i) INTERACTIVE=1; shift ;;
        -v) VERBOSE=1; shift ;;
        --rebuild) REBUILD=1; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        -*) usage >&2; die "unknown option $1" ;;
        *) break ;;
        esac
done
(($# > 0)) || [[ -n $INTERACTIVE ]] || { usage >&2; die "no command"; }
(($# > 0)) || set -- sh
[[ $LAYOUT =~ ^(v2|v1|hybrid)$ ]] || die "--layout: v2, v1 or hybrid"
[[ $MEM =~ ^[0-9]+[MG]$ ]] || die "--mem: e.g. 512M or 1G"
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || die "--cpus: a number"
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "--timeout: seconds"
[[ $SWAP =~ ^(none|(zram|disk):[0-9]+[KMG]?)$ ]] || die "--swap: none, zram:SIZE or disk:SIZE"

# ---------------------------------------------------------------- prerequisites
DEPS_HINT="make vmcheck installs them (qemu-system-x86 linux-image-amd64 busybox-static cpio kmod xz-utils)"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 missing: $DEPS_HINT"
for t in busybox cpio modprobe xz flock setpriv; do command -v $t >/dev/null || die "$t missing: $DEPS_HINT"; done
BUSYBOX=$(command -v busybox)
# The initramfs has no libc of its own until the host's /usr is mounted: busybox must be static.
ldd "$BUSYBOX" >/dev/null 2>&1 && die "$BUSYBOX is dynamically linked: apt-get install busybox-static"
BZIMAGE=${OOMGUARD_VM_KERNEL:-$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}
[[ -r $BZIMAGE ]] || die "no kernel in /boot: $DEPS_HINT"
KVER=${BZIMAGE##*/vmlinuz-}
[[ -d /lib/modules/$KVER ]] || die "no /lib/modules/$KVER for $BZIMAGE"

# ---------------------------------------------------------------- cached boot assets
# vmlinux: the uncompressed kernel, booted through its PVH entry point; this skips
# the kernel's self-decompression, which takes ~7 s under TCG.
# initramfs: static busybox, the modules needed for 9p/zram/virtio-blk, guest-init.sh.
# Both are rebuilt when their inputs change (kernel file, init script, busybox, this list).
CACHE=${OOMGUARD_VM_CACHE:-/var/tmp/oomguard-vm}
MODULES="virtio_pci 9pnet_virtio 9p zram virtio_blk"
KEY=$({ echo "initramfs-v1 $KVER $MODULES"; cat "$HERE/guest-init.sh"; stat -L -c %s-%Y "$BUSYBOX"; } | sha256sum | cut -c1-16)
VMLINUX=$CACHE/vmlinux-$KVER
INITRD=$CACHE/initramfs-$KEY.cpio
KSTAMP=$(stat -L -c %s-%Y "$BZIMAGE")

build_vmlinux() {
        # A bzImage is a decompressor followed by the compressed ELF: find the xz
        # stream (Debian's compression) and decompress it.
        local off
        off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$BZIMAGE" | head -n 1 | cut -d: -f1)
        [[ -n $off ]] || die "no xz stream in $BZIMAGE (not a Debian kernel?)"
        tail -c +$((off + 1)) "$BZIMAGE" | xz -dc --single-stream >"$BUILD/vmlinux" 2>/dev/null || true
        [[ $(head -c 4 "$BUILD/vmlinux" | od -An -tx1 | tr -d ' ') == 7f454c46 ]] || die "extracting vmlinux from $BZIMAGE failed"
        mv "$BUILD/vmlinux" "$VMLINUX"
        echo "$KSTAMP" >"$VMLINUX.stamp"
}

build_initramfs() {
        local root=$BUILD/root a m f
        mkdir -p "$root"/{bin,dev,etc,mnt,modules,proc,root,run,sys,tmp,usr}
        cp "$BUSYBOX" "$root/bin/busybox"
        for a in $("$BUSYBOX" --list); do [[ -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"; done
        ln -s usr/lib "$root/lib"          # merged /usr, as on the host: ld.so and libc
        ln -s usr/lib64 "$root/lib64"      # come from the host's /usr once it is mounted
        ln -s /usr/bin/bash "$root/bin/bash"   # so #!/bin/bash scripts run
        # Modules with their dependencies in load order (modprobe resolves them).
        for m in $MODULES; do modprobe -S "$KVER" --show-depends "$m" || die "module $m missing for $KVER"; done |
                awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r f; do
                case $f in
                *.ko) cp "$f" "$root/modules/" ;;
                *.ko.xz) xz -dc "$f" >"$root/modules/$(basename "$f" .xz)" ;;
                *.ko.zst) zstd -qdc "$f" >"$root/modules/$(basename "$f" .zst)" ;;
                *) die "unsupported module file $f" ;;
                esac
                basename "${f%.ko*}" >>"$root/etc/modules"
        done
        printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
        printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
        install -m 755 "$HERE/guest-init.sh" "$root/init"
        (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$BUILD/initramfs.cpio"
        rm -f "$CACHE"/initramfs-*.cpio
        mv "$BUILD/initramfs.cpio" "$INITRD"
}

mkdir -p "$CACHE" || die "cannot create $CACHE"
( # one builder at a time: two VMs may start together
        flock 9
        BUILD=$(mktemp -d "$CACHE/.build.XXXXXX")
        trap 'rm -rf "$BUILD"' EXIT
        [[ -z $REBUILD ]] || rm -f "$VMLINUX" "$INITRD"
        if [[ ! -s $VMLINUX || $(cat "$VMLINUX.stamp" 2>/dev/null) != "$KSTAMP" ]]; then
                echo "$ME: extracting $VMLINUX (once per kernel)" >&2; build_vmlinux
        fi
        if [[ ! -s $INITRD ]]; then echo "$ME: building $INITRD" >&2; build_initramfs; fi
) 9>"$CACHE/.lock" || exit 125

# ---------------------------------------------------------------- the run folder
# A per-run folder shared with the guest as 9p tag "ctl": the job going in,
# the exit status and timestamps coming out.
RUN=$(mktemp -d "${TMPDIR:-/tmp}/oomguard-vm.XXXXXX")
QPID='' SPID='' TPID=''
kill_qemu() {
        [[ -n $QPID ]] || return 0
        kill -TERM "$QPID" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$QPID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$QPID" 2>/dev/null || true
        wait "$QPID" 2>/dev/null || true
        QPID=''
}
cleanup() {
        kill_qemu
        [[ -z $SPID ]] || kill "$SPID" 2>/dev/null || true
        [[ -z $TPID ]] || kill "$TPID" 2>/dev/null || true
        rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
FS=() MOUNTS=() n=0
share() { # TAG ro|rw HOSTDIR: a 9p export, mounted by the guest at the same path
        local dir ro=''
        dir=$(cd "$3" 2>/dev/null && pwd -P) || die "no such folder: $3"
        [[ $dir =~ ^/[^[:space:]:]*$ ]] || die "shared paths must have no spaces or colons: $dir"
        [[ $2 == rw ]] || ro=,readonly=on
        FS+=(-fsdev "local,id=$1,path=$dir,security_model=none,multidevs=remap$ro"
                -device "virtio-9p-pci,fsdev=$1,mount_tag=$1")
        [[ $1 == ctl ]] || MOUNTS+=("$1:$2:$dir")
}
share ctl rw "$RUN"
share usr ro /usr
share repo "$REPO_MODE" "$REPO"
for d in "${SHARES[@]}"; do share "s$n" rw "$d"; n=$((n + 1)); done
cp /etc/ld.so.cache "$RUN/ld.so.cache" 2>/dev/null || true   # host binaries find their libraries

DISK=()
if [[ $SWAP == disk:* ]]; then
        truncate -s "${SWAP#disk:}" "$RUN/swap.img"   # sparse: costs host disk only as the guest swaps
        DISK=(-drive "file=$RUN/swap.img,if=none,format=raw,id=swap,cache=unsafe" -device virtio-blk-pci,drive=swap)
fi

LOGLEVEL=1; [[ -z $KMSG ]] || LOGLEVEL=7
{
        echo "VM_LAYOUT=$LAYOUT VM_SWAP=$SWAP VM_LOGLEVEL=$LOGLEVEL VM_INTERACTIVE=$INTERACTIVE"
        echo "VM_MOUNTS=$(shq "${MOUNTS[*]}")"
        echo "VM_WORKDIR=$(shq "$WORKDIR")"
} >"$RUN/config"
{
        for e in "${ENVS[@]}"; do [[ $e == [A-Za-z_]*=* ]] || die "--env NAME=VALUE"; echo "export ${e%%=*}=$(shq "${e#*=}")"; done
        (($# == 0)) || { for a in "$@"; do printf '%s ' "$(shq "$a")"; done; echo; }
} >"$RUN/cmd"

# ---------------------------------------------------------------- qemu
# /dev/kvm on our machines is PVM, which cannot run a stock kernel: use KVM only
# where the CPU has real vmx/svm, else TCG (multi-threaded software emulation).
if [[ -w /dev/kvm ]] && grep -qw -e vmx -e svm /proc/cpuinfo && [[ ! -d /sys/module/kvm_pvm ]]; then
        ACCEL=(-accel kvm -cpu host)
else
        ACCEL=(-accel tcg,thread=multi -cpu max)
fi
# psi=1: PSI on whatever the kernel's default. Quiet console (loglevel) so OOM
# reports do not crawl through the emulated UART; dmesg in the VM has everything.
APPEND="console=ttyS0 panic=-1 psi=1 log_buf_len=1M loglevel=$LOGLEVEL"
APPEND+=" pci=noacpi random.trust_cpu=on tsc=reliable no_timer_check i8042.nokbd i8042.noaux i8042.nopnp"
[[ $LAYOUT != v2 ]] || APPEND+=" cgroup_no_v1=all"
[[ -z $APPEND_EXTRA ]] || APPEND+=" $APPEND_EXTRA"

# ttyS0 = kernel console -> $RUN/console.log; ttyS1 = the command's output -> our stdout
SERIAL=(-chardev "file,id=con,path=$RUN/console.log" -serial chardev:con)
if [[ -n $INTERACTIVE ]]; then SERIAL+=(-serial mon:stdio)
else SERIAL+=(-chardev stdio,id=out,signal=off -serial chardev:out); fi

# Machine "pc": "microvm" hangs in calibrate_delay in about half the boots under TCG.
QEMU_CMD=("$QEMU" -nodefaults -no-user-config -machine pc "${ACCEL[@]}" -smp "$CPUS" -m "$MEM"
        -display none -no-reboot -kernel "$VMLINUX" -initrd "$INITRD" -append "$APPEND"
        "${SERIAL[@]}" "${FS[@]}" "${DISK[@]}")
say "${ACCEL[*]} kernel $KVER run folder $RUN"
say "$(printf '%q ' "${QEMU_CMD[@]}")"

T0=$(date +%s.%N)
# setpriv --pdeathsig: the kernel kills qemu if this script dies, even by SIGKILL.
if [[ -n $INTERACTIVE ]]; then
        # bash gives background jobs /dev/null as stdin unless told otherwise: pass ours on
        exec 3<&0
        setpriv --pdeathsig KILL -- "${QEMU_CMD[@]}" <&3 3<&- &
else
        setpriv --pdeathsig KILL -- "${QEMU_CMD[@]}" </dev/null &
fi
QPID=$!
[[ -z $KMSG ]] || { tail -n +1 -F "$RUN/console.log" 2>/dev/null >&2 & TPID=$!; }
setpriv --pdeathsig KILL -- sleep "$TIMEOUT" &   # the timer, which must not outlive us either
SPID=$!
# Whichever ends first: qemu (the guest powered off or died) or the timer.
# A trapped signal interrupts this wait and runs the EXIT trap.
wait -n "$QPID" "$SPID" || true
TIMED_OUT=''
if kill -0 "$QPID" 2>/dev/null && ! kill -0 "$SPID" 2>/dev/null; then TIMED_OUT=1; fi
kill_qemu
kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; SPID=''
[[ -z $TPID ]] || { sleep 0.2; kill "$TPID" 2>/dev/null || true; wait "$TPID" 2>/dev/null || true; TPID=''; }
T1=$(date +%s.%N)
[[ -z $LOGFILE ]] || cp "$RUN/console.log" "$LOGFILE"

if [[ -n $VERBOSE ]]; then
        awk -v t0="$T0" -v t1="$T1" -v r="$(cat "$RUN/t_ready" 2>/dev/null)" -v d="$(cat "$RUN/t_done" 2>/dev/null)" \
                'BEGIN { printf "vm-run: boot-to-command %ss, command %s, wall %.2fs\n", r == "" ? "?" : r,
                         (r != "" && d != "") ? sprintf("%.2fs", d - r) : "?", t1 - t0 }' >&2
fi
if [[ -s $RUN/rc ]]; then exit "$(cat "$RUN/rc")"; fi
if [[ -n $TIMED_OUT ]]; then echo "$ME: TIMEOUT: VM killed after ${TIMEOUT}s" >&2; exit 124; fi
echo "$ME: the VM ended without the command's exit status; kernel console:" >&2
first=$(grep -n -m1 -E 'Kernel panic|BUG:|Oops|\[init\] FATAL' "$RUN/console.log" | cut -d: -f1 || true)
if [[ -n $first ]]; then sed -n "$first,$((first + 30))p" "$RUN/console.log" >&2; else tail -n 30 "$RUN/console.log" >&2; fi
exit 125
