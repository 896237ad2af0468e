build-dev/src/snapshot/cgroup_read.o: src/snapshot/cgroup_read.c \
 include/snapshot/cgroup_set.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/snapshot/snapshot.h \
 include/sources/meminfo.h include/sources/memcg.h include/sources/psi.h \
 include/sources/vmstat.h include/sources/cgroup_tree.h \
 include/sources/kv.h include/util.h
include/snapshot/cgroup_set.h:
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
include/sources/kv.h:
include/util.h:
