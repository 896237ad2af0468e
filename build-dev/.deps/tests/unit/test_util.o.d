build-dev/tests/unit/test_util.o: tests/unit/test_util.c \
 tests/unit/testing.h src/outputs/json.h include/util.h
tests/unit/testing.h:
src/outputs/json.h:
include/util.h:
