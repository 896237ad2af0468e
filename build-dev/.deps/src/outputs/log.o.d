build-dev/src/outputs/log.o: src/outputs/log.c include/outputs/log.h \
 include/util.h
include/outputs/log.h:
include/util.h:
