build-dev/tests/unit/test_proc_pid.o: tests/unit/test_proc_pid.c \
 tests/unit/testing.h tests/unit/../fixtures/sources/tree.h \
 include/sources/proc_pid.h include/util.h
tests/unit/testing.h:
tests/unit/../fixtures/sources/tree.h:
include/sources/proc_pid.h:
include/util.h:
