#!/bin/bash
# vm: layout=v1 mem=512M swap=none timeout=120
# Read-only behaviour in cgroup v1 only: --status --json reports a 64 MiB cgroup's usage, limit,
# percent and PSI as the kernel does; --dry-run logs the kill decision and kills nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/status-common.sh"
status_scenario v1
finish
