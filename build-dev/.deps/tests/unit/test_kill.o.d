build-dev/tests/unit/test_kill.o: tests/unit/test_kill.c \
 tests/unit/testing.h include/actions/kill.h include/actions/victim.h \
 include/policy/matcher.h include/sources/proc_pid.h include/util.h
tests/unit/testing.h:
include/actions/kill.h:
include/actions/victim.h:
include/policy/matcher.h:
include/sources/proc_pid.h:
include/util.h:
