build-dev/src/sources/task_counts.o: src/sources/task_counts.c \
 include/sources/procs.h include/sources/task_counts.h \
 include/sources/proc_pid.h
include/sources/procs.h:
include/sources/task_counts.h:
include/sources/proc_pid.h:
