build-dev/tests/unit/test_adjust.o: tests/unit/test_adjust.c \
 tests/unit/testing.h src/actions/adjust_internal.h \
 include/actions/adjust.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/sources/proc_connector.h \
 include/sources/proc_pid.h include/util.h include/policy/config.h
tests/unit/testing.h:
src/actions/adjust_internal.h:
include/actions/adjust.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/sources/proc_connector.h:
include/sources/proc_pid.h:
include/util.h:
include/policy/config.h:
