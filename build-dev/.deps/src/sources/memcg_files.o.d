build-dev/src/sources/memcg_files.o: src/sources/memcg_files.c \
 include/sources/kv.h include/sources/memcg.h include/sources/psi.h \
 include/util.h
include/sources/kv.h:
include/sources/memcg.h:
include/sources/psi.h:
include/util.h:
