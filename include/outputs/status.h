/* `oomguard --status [--json]`: one snapshot for a person (or a script). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "daemon/guard.h"

/* adjust: also every process an [adjust:] rule matches (a /proc pass). */
void status_print_text(struct guard *g, FILE *out, bool adjust);
void status_print_json(struct guard *g, FILE *out, bool adjust);
/* The "adjust" rows, for the two above. */
void status_print_adjust_text(struct guard *g, FILE *out);
void status_print_adjust_json(struct guard *g, FILE *out);

/* JSON string literal with escapes (hostile names stay valid JSON). */
void json_print_string(FILE *out, const char *s);
