build-dev/src/outputs/status_json.o: src/outputs/status_json.c \
 src/outputs/json.h src/outputs/status_internal.h \
 include/outputs/status.h include/policy/evaluate.h \
 include/policy/policy.h include/units.h include/policy/adjust_rule.h \
 include/policy/matcher.h include/sources/zoneinfo.h \
 include/snapshot/snapshot.h include/sources/meminfo.h \
 include/sources/memcg.h include/sources/psi.h include/sources/vmstat.h \
 include/sources/cgroup_tree.h include/sources/proc_pid.h \
 include/sources/task_counts.h include/util.h
src/outputs/json.h:
src/outputs/status_internal.h:
include/outputs/status.h:
include/policy/evaluate.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/snapshot/snapshot.h:
include/sources/meminfo.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/vmstat.h:
include/sources/cgroup_tree.h:
include/sources/proc_pid.h:
include/sources/task_counts.h:
include/util.h:
