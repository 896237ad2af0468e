build-dev/src/actions/restore_format.o: src/actions/restore_format.c \
 include/actions/restore.h include/sources/memcg.h include/sources/psi.h \
 include/util.h
include/actions/restore.h:
include/sources/memcg.h:
include/sources/psi.h:
include/util.h:
