build-dev/src/snapshot/derive.o: src/snapshot/derive.c \
 include/snapshot/snapshot.h include/sources/meminfo.h \
 include/sources/memcg.h include/sources/psi.h include/sources/vmstat.h \
 include/sources/zoneinfo.h include/util.h
include/snapshot/snapshot.h:
include/sources/meminfo.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/vmstat.h:
include/sources/zoneinfo.h:
include/util.h:
