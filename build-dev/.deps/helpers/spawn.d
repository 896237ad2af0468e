build-dev/helpers/spawn: tests/helpers/spawn.c
