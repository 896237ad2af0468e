build-dev/src/sources/meminfo.o: src/sources/meminfo.c \
 include/sources/kv.h include/sources/meminfo.h include/util.h
include/sources/kv.h:
include/sources/meminfo.h:
include/util.h:
