build-dev/src/sources/proc_connector.o: src/sources/proc_connector.c \
 include/sources/proc_connector.h include/util.h
include/sources/proc_connector.h:
include/util.h:
