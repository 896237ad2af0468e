build-dev/src/util/misc.o: src/util/misc.c include/util.h
include/util.h:
