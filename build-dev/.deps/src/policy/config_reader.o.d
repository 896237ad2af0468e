build-dev/src/policy/config_reader.o: src/policy/config_reader.c \
 src/policy/config_internal.h src/policy/config_keys.h \
 include/policy/config.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/util.h src/policy/policy_internal.h
src/policy/config_internal.h:
src/policy/config_keys.h:
include/policy/config.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/util.h:
src/policy/policy_internal.h:
