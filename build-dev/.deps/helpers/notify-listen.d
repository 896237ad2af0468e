build-dev/helpers/notify-listen: tests/helpers/notify-listen.c
