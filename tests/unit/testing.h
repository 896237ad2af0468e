/* Common includes for cmocka unit tests. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

/* Parse a string literal with a pure parser: PARSE(parse_x, "text", &ret) */
#define PARSE(fn, lit, ...) fn((lit), strlen(lit), __VA_ARGS__)
