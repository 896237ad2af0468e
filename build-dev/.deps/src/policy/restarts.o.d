build-dev/src/policy/restarts.o: src/policy/restarts.c \
 include/policy/restarts.h
include/policy/restarts.h:
