build-dev/src/outputs/notify.o: src/outputs/notify.c \
 include/outputs/notify.h include/util.h
include/outputs/notify.h:
include/util.h:
