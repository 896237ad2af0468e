build-dev/helpers/proc-watch: tests/helpers/proc-watch.c
