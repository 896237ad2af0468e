build-dev/src/policy/policy_print.o: src/policy/policy_print.c \
 src/policy/config_keys.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/util.h
src/policy/config_keys.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/util.h:
