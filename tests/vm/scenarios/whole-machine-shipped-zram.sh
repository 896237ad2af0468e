#!/bin/bash
# vm: layout=v2 mem=384M swap=zram:192M timeout=900
# Whole-machine OOM (zram) with the shipped etc/oomguard.conf, unmodified: its
# [global] rule must kill the hog before the kernel's global OOM killer
# (/proc/vmstat oom_kill unchanged) in >= 9 of 10 trials (whole-machine-common.sh
# measures and judges; earlyoom is not run here: whole-machine-noswap/-swap compare).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/whole-machine-common.sh"
# shellcheck disable=SC2034  # read by whole-machine-common.sh
SCENARIO=whole-machine-shipped-zram
TRIALS=${TRIALS:-10}
EO_TRIALS=0
export HOG_RANDOM=1   # incompressible pages: zram cannot make room
# shellcheck disable=SC2034  # oomguard reads PSI: its trials start with full avg10 < 2.5
PSI_SETTLE=2.5
name="whole-machine zram, shipped config"
cp etc/oomguard.conf "$TMP/conf"
whole_machine_scenario "$name" "$TMP/conf" 4096 0
finish
