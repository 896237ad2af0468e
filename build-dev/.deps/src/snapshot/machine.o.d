build-dev/src/snapshot/machine.o: src/snapshot/machine.c \
 include/snapshot/machine.h include/snapshot/snapshot.h \
 include/sources/meminfo.h include/sources/memcg.h include/sources/psi.h \
 include/sources/vmstat.h include/sources/zoneinfo.h include/util.h
include/snapshot/machine.h:
include/snapshot/snapshot.h:
include/sources/meminfo.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/vmstat.h:
include/sources/zoneinfo.h:
include/util.h:
