/* `oomguard --status [--json]`: one snapshot for a person (or a script). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "daemon/guard.h"

void status_print_text(const struct guard *g, FILE *out);
void status_print_json(const struct guard *g, FILE *out);

/* JSON string literal with escapes (hostile names stay valid JSON). */
void json_print_string(FILE *out, const char *s);
