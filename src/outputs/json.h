/* Writing JSON by hand (no allocation): strings with every escape, so
 * that hostile names stay valid JSON. */
#pragma once

#include <stdio.h>

void json_print_string(FILE *out, const char *s);
