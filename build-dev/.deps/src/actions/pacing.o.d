build-dev/src/actions/pacing.o: src/actions/pacing.c \
 include/actions/pacing.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/util.h
include/actions/pacing.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/util.h:
