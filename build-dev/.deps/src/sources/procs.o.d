build-dev/src/sources/procs.o: src/sources/procs.c \
 include/sources/procs.h include/util.h
include/sources/procs.h:
include/util.h:
