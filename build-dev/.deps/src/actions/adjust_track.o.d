build-dev/src/actions/adjust_track.o: src/actions/adjust_track.c \
 src/actions/adjust_internal.h include/actions/adjust.h \
 include/policy/policy.h include/units.h include/policy/adjust_rule.h \
 include/policy/matcher.h include/sources/zoneinfo.h \
 include/sources/proc_connector.h include/sources/proc_pid.h \
 include/util.h
src/actions/adjust_internal.h:
include/actions/adjust.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/sources/proc_connector.h:
include/sources/proc_pid.h:
include/util.h:
