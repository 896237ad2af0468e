build-dev/src/util/fork_piped.o: src/util/fork_piped.c include/util.h
include/util.h:
