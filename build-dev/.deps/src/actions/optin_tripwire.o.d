build-dev/src/actions/optin_tripwire.o: src/actions/optin_tripwire.c \
 src/actions/optin_internal.h include/actions/optin.h \
 include/actions/guardian.h include/actions/restore.h \
 include/policy/policy.h include/units.h include/policy/adjust_rule.h \
 include/policy/matcher.h include/sources/zoneinfo.h \
 include/snapshot/cgroup_set.h include/snapshot/snapshot.h \
 include/sources/meminfo.h include/sources/memcg.h include/sources/psi.h \
 include/sources/vmstat.h include/sources/cgroup_tree.h \
 include/outputs/log.h include/util.h include/policy/tripwire.h
src/actions/optin_internal.h:
include/actions/optin.h:
include/actions/guardian.h:
include/actions/restore.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/snapshot/cgroup_set.h:
include/snapshot/snapshot.h:
include/sources/meminfo.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/vmstat.h:
include/sources/cgroup_tree.h:
include/outputs/log.h:
include/util.h:
include/policy/tripwire.h:
