build-dev/src/actions/family.o: src/actions/family.c \
 include/actions/family.h include/actions/kill.h include/actions/victim.h \
 include/policy/matcher.h include/sources/proc_pid.h \
 include/policy/policy.h include/units.h include/policy/adjust_rule.h \
 include/sources/zoneinfo.h include/sources/procs.h include/util.h
include/actions/family.h:
include/actions/kill.h:
include/actions/victim.h:
include/policy/matcher.h:
include/sources/proc_pid.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/sources/zoneinfo.h:
include/sources/procs.h:
include/util.h:
