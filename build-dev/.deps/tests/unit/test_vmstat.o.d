build-dev/tests/unit/test_vmstat.o: tests/unit/test_vmstat.c \
 tests/unit/testing.h tests/unit/../fixtures/sources/tree.h \
 include/sources/vmstat.h include/util.h
tests/unit/testing.h:
tests/unit/../fixtures/sources/tree.h:
include/sources/vmstat.h:
include/util.h:
