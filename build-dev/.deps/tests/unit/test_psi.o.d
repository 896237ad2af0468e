build-dev/tests/unit/test_psi.o: tests/unit/test_psi.c \
 tests/unit/testing.h tests/unit/../fixtures/sources/tree.h \
 include/sources/psi.h include/util.h
tests/unit/testing.h:
tests/unit/../fixtures/sources/tree.h:
include/sources/psi.h:
include/util.h:
