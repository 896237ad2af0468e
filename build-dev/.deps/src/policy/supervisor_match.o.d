build-dev/src/policy/supervisor_match.o: src/policy/supervisor_match.c \
 include/policy/supervisor_match.h include/policy/policy.h \
 include/units.h include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/sources/proc_pid.h include/util.h
include/policy/supervisor_match.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/sources/proc_pid.h:
include/util.h:
