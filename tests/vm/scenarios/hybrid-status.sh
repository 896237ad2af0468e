#!/bin/bash
# vm: layout=hybrid mem=512M swap=none timeout=120
# Read-only behaviour in hybrid: v1 memory + cgroup2 twin at /sys/fs/cgroup/unified (per-cgroup PSI comes from the twin): --status --json reports a 64 MiB cgroup's usage, limit,
# percent and PSI as the kernel does; --dry-run logs the kill decision and kills nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/status-common.sh"
status_scenario hybrid
finish
