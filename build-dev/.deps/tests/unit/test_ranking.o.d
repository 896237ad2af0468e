build-dev/tests/unit/test_ranking.o: tests/unit/test_ranking.c \
 tests/unit/testing.h tests/unit/../fixtures/sources/tree.h \
 include/actions/ranking.h include/actions/victim.h \
 include/policy/matcher.h include/sources/proc_pid.h \
 include/sources/meminfo.h include/sources/memcg.h include/sources/psi.h \
 include/sources/proc_connector.h include/util.h
tests/unit/testing.h:
tests/unit/../fixtures/sources/tree.h:
include/actions/ranking.h:
include/actions/victim.h:
include/policy/matcher.h:
include/sources/proc_pid.h:
include/sources/meminfo.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/proc_connector.h:
include/util.h:
