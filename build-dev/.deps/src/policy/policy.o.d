build-dev/src/policy/policy.o: src/policy/policy.c \
 include/policy/policy.h include/units.h include/policy/adjust_rule.h \
 include/policy/matcher.h include/sources/zoneinfo.h \
 src/policy/policy_internal.h include/util.h
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
src/policy/policy_internal.h:
include/util.h:
