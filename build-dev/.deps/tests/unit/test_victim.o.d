build-dev/tests/unit/test_victim.o: tests/unit/test_victim.c \
 tests/unit/testing.h tests/unit/../fixtures/sources/tree.h \
 include/actions/victim.h include/policy/matcher.h \
 include/sources/proc_pid.h
tests/unit/testing.h:
tests/unit/../fixtures/sources/tree.h:
include/actions/victim.h:
include/policy/matcher.h:
include/sources/proc_pid.h:
