build-dev/helpers/hog: tests/helpers/hog.c
