build-dev/src/sources/libcgroup_child.o: src/sources/libcgroup_child.c \
 include/sources/libcgroup_child.h include/util.h
include/sources/libcgroup_child.h:
include/util.h:
