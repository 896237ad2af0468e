build-dev/src/sources/zoneinfo.o: src/sources/zoneinfo.c \
 include/sources/kv.h include/sources/zoneinfo.h include/util.h
include/sources/kv.h:
include/sources/zoneinfo.h:
include/util.h:
