build-dev/src/actions/supervisor_first.o: src/actions/supervisor_first.c \
 include/actions/actuator.h include/actions/family.h \
 include/actions/kill.h include/actions/victim.h include/policy/matcher.h \
 include/sources/proc_pid.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/sources/zoneinfo.h \
 include/actions/ranking.h include/sources/meminfo.h \
 include/sources/memcg.h include/sources/psi.h \
 include/sources/proc_connector.h include/policy/evaluate.h \
 include/snapshot/snapshot.h include/sources/vmstat.h \
 include/sources/cgroup_tree.h include/policy/supervisor_match.h \
 include/util.h
include/actions/actuator.h:
include/actions/family.h:
include/actions/kill.h:
include/actions/victim.h:
include/policy/matcher.h:
include/sources/proc_pid.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/sources/zoneinfo.h:
include/actions/ranking.h:
include/sources/meminfo.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/proc_connector.h:
include/policy/evaluate.h:
include/snapshot/snapshot.h:
include/sources/vmstat.h:
include/sources/cgroup_tree.h:
include/policy/supervisor_match.h:
include/util.h:
