build-dev/src/sources/triggers.o: src/sources/triggers.c \
 include/sources/triggers.h include/util.h
include/sources/triggers.h:
include/util.h:
