#!/bin/bash
# vm: layout=v2 mem=512M swap=none timeout=120
# Read-only behaviour in pure cgroup v2 (cgroup_no_v1=all): --status --json reports a 64 MiB cgroup's usage, limit,
# percent and PSI as the kernel does; --dry-run logs the kill decision and kills nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/status-common.sh"
status_scenario v2
finish
