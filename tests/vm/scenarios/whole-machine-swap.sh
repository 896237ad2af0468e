#!/bin/bash
# vm: layout=v2 mem=384M swap=zram:192M timeout=1200
# Whole-machine OOM with zram swap, the thrash-to-death case: one hog writes random
# (incompressible: HOG_RANDOM=1) pages at full speed, so zram frees nothing and the VM
# thrashes until the kernel kills (zram fills up as fast as RAM: random pages are
# stored whole; the kernel kills 6-25 s after RAM ran out). oomguard's [global] rule
# (psi_full_avg10_above = 5, or mem_available_below = 10 % with swap_free_below = 75 %,
# action = kill) must kill it before the kernel's global OOM killer in >= 9 of 10
# trials. (psi_full_avg10_above = 10 with swap_free_below = 10 % lost 2 of 3: avg10 is
# a 10 s average updated every 2 s, and the kernel was often first.) Measured: the longest
# stall of a small protected userspace loop (the sampler, every 10 ms) during the storm,
# and the reaction from MemAvailable < 10 % to the hog's death (whole-machine-common.sh).
# Debian's earlyoom (defaults: acts only when MemAvailable AND SwapFree are <= 10 %)
# runs the same trials after oomguard's; it is expected to lose (see DESIGN.md): reported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/whole-machine-common.sh"
# shellcheck disable=SC2034  # read by whole-machine-common.sh
SCENARIO=whole-machine-swap
TRIALS=${TRIALS:-10}
export HOG_RANDOM=1   # incompressible pages: zram cannot make room
# shellcheck disable=SC2034  # oomguard reads PSI: its trials start with full avg10 < 2.5
PSI_SETTLE=2.5
name="whole-machine zram swap"
cat >"$TMP/conf" <<CONF
[daemon]
interval = 100ms
post_kill_delay = 500ms
max_kills_per_minute = 100
protect = comm:^(bash|sh|earlyoom|sshd)$

[global]
mem_available_below = 10%
swap_free_below = 90%
psi_full_avg10_above = 5
action = kill
CONF
whole_machine_scenario "$name" "$TMP/conf" 4096 0
finish
