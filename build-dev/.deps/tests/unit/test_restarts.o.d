build-dev/tests/unit/test_restarts.o: tests/unit/test_restarts.c \
 tests/unit/testing.h include/policy/restarts.h include/util.h
tests/unit/testing.h:
include/policy/restarts.h:
include/util.h:
