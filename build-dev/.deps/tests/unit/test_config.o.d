build-dev/tests/unit/test_config.o: tests/unit/test_config.c \
 tests/unit/testing.h include/policy/config.h include/policy/policy.h \
 include/units.h include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/util.h
tests/unit/testing.h:
include/policy/config.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/util.h:
