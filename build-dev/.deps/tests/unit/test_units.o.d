build-dev/tests/unit/test_units.o: tests/unit/test_units.c \
 tests/unit/testing.h include/units.h include/util.h
tests/unit/testing.h:
include/units.h:
include/util.h:
