build-dev/tests/unit/test_proc_connector.o: \
 tests/unit/test_proc_connector.c tests/unit/testing.h \
 include/sources/proc_connector.h
tests/unit/testing.h:
include/sources/proc_connector.h:
