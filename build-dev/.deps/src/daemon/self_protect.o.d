build-dev/src/daemon/self_protect.o: src/daemon/self_protect.c \
 src/daemon/self_protect.h include/outputs/log.h include/util.h
src/daemon/self_protect.h:
include/outputs/log.h:
include/util.h:
