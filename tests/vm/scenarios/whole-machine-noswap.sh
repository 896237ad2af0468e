#!/bin/bash
# vm: layout=v2 mem=384M swap=none timeout=900
# Whole-machine OOM, no swap: one hog fills the VM's RAM at full speed. oomguard's
# [global] rule (mem_available_below = 10 %, watermark_below = min, action = kill) must
# kill it before the kernel's global OOM killer (/proc/vmstat oom_kill unchanged) in
# >= 9 of 10 trials, and the test script (oom_score_adj -1000) survives. Debian's
# earlyoom (defaults: SIGTERM at MemAvailable 10 %) runs the same trials after oomguard's
# (all of oomguard's first): win rate and reaction time of both are reported (measured as
# described in whole-machine-common.sh), earlyoom's are not required.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/whole-machine-common.sh"
# shellcheck disable=SC2034  # read by whole-machine-common.sh
SCENARIO=whole-machine-noswap
TRIALS=${TRIALS:-10}
name="whole-machine no-swap"
cat >"$TMP/conf" <<CONF
[daemon]
interval = 100ms
post_kill_delay = 500ms
max_kills_per_minute = 100
protect = comm:^(bash|sh|earlyoom|sshd)$

[global]
mem_available_below = 10%
watermark_below = min
action = kill
CONF
whole_machine_scenario "$name" "$TMP/conf" 4096 0
finish
