/* Pressure stall information: /proc/pressure/memory and a cgroup's
 * memory.pressure share this format:
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct psi_line {
        double avg10, avg60, avg300; /* percent */
        uint64_t total;              /* microseconds stalled */
};

struct psi {
        struct psi_line some, full;
        bool has_full; /* the "full" line is absent for cpu on old kernels */
};

/* -EBADMSG when there is no valid "some" line. */
int parse_psi(const char *buf, size_t len, struct psi *ret);
int read_psi(const char *root, const char *path, struct psi *ret);
