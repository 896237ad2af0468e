build-dev/tests/unit/test_kv.o: tests/unit/test_kv.c tests/unit/testing.h \
 tests/unit/../fixtures/sources/tree.h include/sources/kv.h \
 include/util.h
tests/unit/testing.h:
tests/unit/../fixtures/sources/tree.h:
include/sources/kv.h:
include/util.h:
