build-dev/src/outputs/json.o: src/outputs/json.c src/outputs/json.h
src/outputs/json.h:
