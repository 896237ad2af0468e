build-dev/tests/unit/test_meminfo.o: tests/unit/test_meminfo.c \
 tests/unit/testing.h tests/unit/../fixtures/sources/tree.h \
 include/sources/meminfo.h include/util.h
tests/unit/testing.h:
tests/unit/../fixtures/sources/tree.h:
include/sources/meminfo.h:
include/util.h:
