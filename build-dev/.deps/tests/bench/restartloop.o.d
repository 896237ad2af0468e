build-dev/tests/bench/restartloop.o: tests/bench/restartloop.c \
 include/sources/proc_connector.h
include/sources/proc_connector.h:
