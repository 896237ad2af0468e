/* Internal to outputs/status_*.c: the "adjust" rows of --status
 * (status_adjust.c), for the text and the JSON printer. */
#pragma once

#include "outputs/status.h"

void status_print_adjust_text(const struct status_view *v, FILE *out);
void status_print_adjust_json(const struct status_view *v, FILE *out);
