build-dev/src/util/fileio.o: src/util/fileio.c include/util.h
include/util.h:
