build-dev/tests/unit/test_zoneinfo.o: tests/unit/test_zoneinfo.c \
 tests/unit/testing.h tests/unit/../fixtures/sources/tree.h \
 include/sources/zoneinfo.h include/util.h
tests/unit/testing.h:
tests/unit/../fixtures/sources/tree.h:
include/sources/zoneinfo.h:
include/util.h:
