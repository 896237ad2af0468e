build-dev/tests/bench/race.o: tests/bench/race.c
