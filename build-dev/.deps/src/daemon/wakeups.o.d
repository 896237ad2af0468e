build-dev/src/daemon/wakeups.o: src/daemon/wakeups.c src/daemon/guard.h \
 include/actions/actuator.h include/actions/family.h \
 include/actions/kill.h include/actions/victim.h include/policy/matcher.h \
 include/sources/proc_pid.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/sources/zoneinfo.h \
 include/actions/ranking.h include/sources/meminfo.h \
 include/sources/memcg.h include/sources/psi.h \
 include/sources/proc_connector.h include/policy/evaluate.h \
 include/snapshot/snapshot.h include/sources/vmstat.h \
 include/sources/cgroup_tree.h include/actions/adjust.h include/util.h \
 include/actions/optin.h include/actions/guardian.h \
 include/actions/restore.h include/snapshot/cgroup_set.h \
 include/actions/pacing.h include/actions/rankings.h \
 include/policy/supervise.h include/policy/restarts.h \
 include/policy/supervisor_match.h include/snapshot/machine.h \
 src/daemon/wakeups.h include/outputs/log.h include/sources/triggers.h
src/daemon/guard.h:
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
include/actions/adjust.h:
include/util.h:
include/actions/optin.h:
include/actions/guardian.h:
include/actions/restore.h:
include/snapshot/cgroup_set.h:
include/actions/pacing.h:
include/actions/rankings.h:
include/policy/supervise.h:
include/policy/restarts.h:
include/policy/supervisor_match.h:
include/snapshot/machine.h:
src/daemon/wakeups.h:
include/outputs/log.h:
include/sources/triggers.h:
