build-dev/src/sources/psi.o: src/sources/psi.c include/sources/kv.h \
 include/sources/psi.h include/util.h
include/sources/kv.h:
include/sources/psi.h:
include/util.h:
