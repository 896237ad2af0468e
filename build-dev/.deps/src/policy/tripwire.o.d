build-dev/src/policy/tripwire.o: src/policy/tripwire.c \
 include/policy/tripwire.h include/units.h include/util.h
include/policy/tripwire.h:
include/units.h:
include/util.h:
