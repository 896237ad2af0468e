build-dev/src/sources/vmstat.o: src/sources/vmstat.c include/sources/kv.h \
 include/sources/vmstat.h include/util.h
include/sources/kv.h:
include/sources/vmstat.h:
include/util.h:
