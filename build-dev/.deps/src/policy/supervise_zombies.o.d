build-dev/src/policy/supervise_zombies.o: src/policy/supervise_zombies.c \
 include/sources/procs.h src/policy/supervise_internal.h \
 include/policy/supervise.h include/policy/restarts.h \
 include/policy/supervisor_match.h include/policy/policy.h \
 include/units.h include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/sources/proc_pid.h \
 include/sources/proc_connector.h include/util.h
include/sources/procs.h:
src/policy/supervise_internal.h:
include/policy/supervise.h:
include/policy/restarts.h:
include/policy/supervisor_match.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/sources/proc_pid.h:
include/sources/proc_connector.h:
include/util.h:
