build-dev/src/policy/evaluate.o: src/policy/evaluate.c \
 src/policy/evaluate_internal.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/sources/psi.h \
 include/policy/evaluate.h include/snapshot/snapshot.h \
 include/sources/meminfo.h include/sources/memcg.h \
 include/sources/vmstat.h include/util.h
src/policy/evaluate_internal.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/sources/psi.h:
include/policy/evaluate.h:
include/snapshot/snapshot.h:
include/sources/meminfo.h:
include/sources/memcg.h:
include/sources/vmstat.h:
include/util.h:
