build-dev/src/policy/cgroup_match.o: src/policy/cgroup_match.c \
 include/policy/cgroup_match.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h
include/policy/cgroup_match.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
