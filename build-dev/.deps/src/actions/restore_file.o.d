build-dev/src/actions/restore_file.o: src/actions/restore_file.c \
 include/actions/restore.h include/util.h
include/actions/restore.h:
include/util.h:
