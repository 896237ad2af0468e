build-dev/src/actions/guardian.o: src/actions/guardian.c \
 include/actions/restore.h include/actions/guardian.h include/util.h
include/actions/restore.h:
include/actions/guardian.h:
include/util.h:
