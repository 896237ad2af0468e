build-dev/src/util/units.o: src/util/units.c include/units.h \
 include/util.h
include/units.h:
include/util.h:
