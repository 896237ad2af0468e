build-dev/src/util/grow.o: src/util/grow.c include/util.h
include/util.h:
