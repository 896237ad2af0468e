build-dev/helpers/oomwatch: tests/helpers/oomwatch.c
