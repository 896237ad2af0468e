#!/bin/busybox sh
# shellcheck shell=dash
# /init of the VM that tests/vm/vm-run.sh boots (busybox ash, PID 1).
# The job comes in over the 9p tag "ctl" (mounted at /run/vm): config (settings)
# and cmd (the command). The command's exit status goes back as /run/vm/rc.
# Whatever happens, the VM powers off at the end (vm-run.sh turns a missing rc into 125).
export PATH=/bin:/sbin HOME=/root
umask 022

fatal() {
        echo "[init] FATAL: $*" >/dev/console
        echo "[init] FATAL: $*" >/dev/ttyS1
        sync; poweroff -f; sleep 10
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
exec </dev/null >/dev/console 2>&1

# virtio-pci, 9p, zram, virtio-blk (listed in load order by vm-run.sh)
while read -r m; do insmod "/modules/$m.ko" || fatal "insmod $m"; done </etc/modules

mkdir -p /run/vm
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none ctl /run/vm || fatal "mount 9p ctl"
. /run/vm/config || fatal "no job config"

# Host folders at their host paths: VM_MOUNTS="tag:ro|rw:/path ...". Read-only ones are
# page-cached (cache=loose: exec from the host's /usr is fast); read-write ones use
# cache=mmap so writes reach the host at once.
for spec in $VM_MOUNTS; do
        tag=${spec%%:*} rest=${spec#*:}
        mode=${rest%%:*} dir=${rest#*:}
        cache=mmap; [ "$mode" = ro ] && cache=loose
        mkdir -p "$dir"
        mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,cache=$cache,$mode" "$tag" "$dir" ||
                fatal "mount 9p $tag at $dir"
done
ln -s /run/vm/ld.so.cache /etc/ld.so.cache

# Cgroups.
case $VM_LAYOUT in
v2)     # as systemd mounts it; the command runs in the root cgroup
        mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup || fatal "mount cgroup2"
        for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
                echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control
        done
        grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || fatal "memory controller not enabled" ;;
v1|hybrid)
        mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
        for c in memory cpu,cpuacct pids freezer; do
                mkdir "/sys/fs/cgroup/$c"
                mount -t cgroup -o "$c" "$c" "/sys/fs/cgroup/$c" || fatal "mount cgroup v1 $c"
        done
        ln -s cpu,cpuacct /sys/fs/cgroup/cpu
        ln -s cpu,cpuacct /sys/fs/cgroup/cpuacct
        if [ "$VM_LAYOUT" = hybrid ]; then  # no controllers: every one is taken by v1
                mkdir /sys/fs/cgroup/unified
                mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup/unified || fatal "mount cgroup2 (hybrid)"
        fi ;;
*)      fatal "unknown layout $VM_LAYOUT" ;;
esac

# Swap.
case $VM_SWAP in
none) ;;
zram:*) echo "${VM_SWAP#zram:}" >/sys/block/zram0/disksize || fatal "zram size"
        mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 || fatal "zram swapon" ;;
disk:*) mkswap /dev/vda >/dev/null && swapon /dev/vda || fatal "disk swapon" ;;
*)      fatal "unknown swap $VM_SWAP" ;;
esac

hostname vm
ip link set lo up
echo "$VM_LOGLEVEL" >/proc/sys/kernel/printk
cd "$VM_WORKDIR" || fatal "no $VM_WORKDIR"
cut -d' ' -f1 /proc/uptime >/run/vm/t_ready

# The command, as a child of PID 1 (never an OOM victim itself). The host's tools come
# first in PATH so scripts behave as on the host; busybox fills the gaps.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The shell that runs the command is the harness, as PID 1 is: never a
# victim (-1000, inherited; scenarios give their hogs 0). A guard with a
# policy that does not name it (the shipped one) would otherwise take it
# for the next biggest process once the hog is gone.
echo -1000 >/proc/self/oom_score_adj
if [ -n "$VM_INTERACTIVE" ]; then
        setsid -c sh /run/vm/cmd </dev/ttyS1 >/dev/ttyS1 2>&1
else
        stty -F /dev/ttyS1 -onlcr   # "\n" stays "\n" in the host's output
        sh /run/vm/cmd </dev/null >/dev/ttyS1 2>&1
fi
rc=$?
export PATH=/bin:/sbin   # busybox again: the host's /usr/sbin/poweroff is systemd's
cut -d' ' -f1 /proc/uptime >/run/vm/t_done
echo $rc >/run/vm/rc

# Leftovers (daemons, hogs) die, host folders are flushed, the VM powers off.
kill -TERM -1; sleep 0.2; kill -KILL -1
sync
for spec in $VM_MOUNTS; do umount "${spec#*:*:}" 2>/dev/null; done
umount /run/vm
poweroff -f
