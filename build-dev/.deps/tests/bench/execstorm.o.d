build-dev/tests/bench/execstorm.o: tests/bench/execstorm.c
