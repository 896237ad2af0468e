build-dev/helpers/zombief: tests/helpers/zombief.c
