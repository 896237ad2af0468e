build-dev/tests/unit/test_optin.o: tests/unit/test_optin.c \
 tests/unit/testing.h include/actions/restore.h include/policy/config.h \
 include/policy/policy.h include/units.h include/policy/adjust_rule.h \
 include/policy/matcher.h include/sources/zoneinfo.h \
 include/policy/evaluate.h include/snapshot/snapshot.h \
 include/sources/meminfo.h include/sources/memcg.h include/sources/psi.h \
 include/sources/vmstat.h include/policy/tripwire.h include/util.h
tests/unit/testing.h:
include/actions/restore.h:
include/policy/config.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/policy/evaluate.h:
include/snapshot/snapshot.h:
include/sources/meminfo.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/vmstat.h:
include/policy/tripwire.h:
include/util.h:
