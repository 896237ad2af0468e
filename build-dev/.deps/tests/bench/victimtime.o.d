build-dev/tests/bench/victimtime.o: tests/bench/victimtime.c \
 include/sources/procs.h include/actions/ranking.h \
 include/actions/victim.h include/policy/matcher.h \
 include/sources/proc_pid.h include/sources/meminfo.h \
 include/sources/memcg.h include/sources/psi.h \
 include/sources/proc_connector.h include/util.h
include/sources/procs.h:
include/actions/ranking.h:
include/actions/victim.h:
include/policy/matcher.h:
include/sources/proc_pid.h:
include/sources/meminfo.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/proc_connector.h:
include/util.h:
