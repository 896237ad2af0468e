build-dev/src/actions/kill.o: src/actions/kill.c include/actions/kill.h \
 include/actions/victim.h include/policy/matcher.h \
 include/sources/proc_pid.h include/outputs/notify.h include/util.h
include/actions/kill.h:
include/actions/victim.h:
include/policy/matcher.h:
include/sources/proc_pid.h:
include/outputs/notify.h:
include/util.h:
