build-dev/src/sources/cgroup_tree.o: src/sources/cgroup_tree.c \
 include/sources/cgroup_tree.h include/sources/memcg.h \
 include/sources/psi.h include/sources/libcgroup_child.h include/util.h
include/sources/cgroup_tree.h:
include/sources/memcg.h:
include/sources/psi.h:
include/sources/libcgroup_child.h:
include/util.h:
