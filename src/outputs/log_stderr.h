/* stderr, written without ever blocking when it is a pipe or a socket
 * (log.c's way to stderr). */
#pragma once

#include <stddef.h>

/* Writes line[0..len) (ends with '\n', < PIPE_BUF: one write, atomic). A
 * full pipe or socket loses the line (counted); the first line that gets
 * through after a loss is preceded by one that says how many were lost. */
void log_stderr_write(const char *line, size_t len);
