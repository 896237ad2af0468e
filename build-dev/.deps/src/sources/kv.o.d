build-dev/src/sources/kv.o: src/sources/kv.c include/sources/kv.h \
 include/util.h
include/sources/kv.h:
include/util.h:
