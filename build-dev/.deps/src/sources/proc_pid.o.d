build-dev/src/sources/proc_pid.o: src/sources/proc_pid.c \
 include/sources/kv.h include/sources/proc_pid.h include/util.h
include/sources/kv.h:
include/sources/proc_pid.h:
include/util.h:
