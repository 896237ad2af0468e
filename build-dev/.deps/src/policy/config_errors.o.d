build-dev/src/policy/config_errors.o: src/policy/config_errors.c \
 src/policy/config_internal.h src/policy/config_keys.h \
 include/policy/config.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/util.h
src/policy/config_internal.h:
src/policy/config_keys.h:
include/policy/config.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/util.h:
