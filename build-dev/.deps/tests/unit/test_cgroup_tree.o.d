build-dev/tests/unit/test_cgroup_tree.o: tests/unit/test_cgroup_tree.c \
 tests/unit/testing.h include/sources/cgroup_tree.h \
 include/sources/memcg.h include/sources/psi.h \
 include/sources/libcgroup_child.h include/util.h
tests/unit/testing.h:
include/sources/cgroup_tree.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/libcgroup_child.h:
include/util.h:
