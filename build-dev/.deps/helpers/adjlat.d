build-dev/helpers/adjlat: tests/helpers/adjlat.c
