build-dev/src/policy/adjust_rule.o: src/policy/adjust_rule.c \
 include/policy/adjust_rule.h src/policy/policy_internal.h \
 include/policy/matcher.h include/policy/policy.h include/units.h \
 include/sources/zoneinfo.h
include/policy/adjust_rule.h:
src/policy/policy_internal.h:
include/policy/matcher.h:
include/policy/policy.h:
include/units.h:
include/sources/zoneinfo.h:
