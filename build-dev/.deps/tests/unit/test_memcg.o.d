build-dev/tests/unit/test_memcg.o: tests/unit/test_memcg.c \
 tests/unit/testing.h tests/unit/../fixtures/sources/tree.h \
 include/sources/memcg.h include/sources/psi.h include/util.h
tests/unit/testing.h:
tests/unit/../fixtures/sources/tree.h:
include/sources/memcg.h:
include/sources/psi.h:
include/util.h:
