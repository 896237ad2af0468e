build-dev/src/policy/matcher.o: src/policy/matcher.c \
 include/policy/matcher.h src/policy/policy_internal.h \
 include/policy/adjust_rule.h include/policy/policy.h include/units.h \
 include/sources/zoneinfo.h include/util.h
include/policy/matcher.h:
src/policy/policy_internal.h:
include/policy/adjust_rule.h:
include/policy/policy.h:
include/units.h:
include/sources/zoneinfo.h:
include/util.h:
