#!/bin/bash
# vm: layout=v2 mem=512M swap=none timeout=300
# The kill race in pure cgroup v2 (no usage eventfds: memory.events, PSI or the poll wake it): a full-speed hog in a 128 MiB cgroup,
# 10 trials; oomguard (usage_above = 90 %, action = kill) must kill it before the kernel
# in >= 9/10, judged by the cgroup's own oom_kill counter; then kill-cgroup empties a
# cgroup of three processes. See memcg-hog-common.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/memcg-hog-common.sh"
memcg_hog_scenario v2
finish
