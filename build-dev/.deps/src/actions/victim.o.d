build-dev/src/actions/victim.o: src/actions/victim.c \
 include/sources/procs.h include/actions/victim.h \
 include/policy/matcher.h include/sources/proc_pid.h include/util.h
include/sources/procs.h:
include/actions/victim.h:
include/policy/matcher.h:
include/sources/proc_pid.h:
include/util.h:
