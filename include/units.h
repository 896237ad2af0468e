/* Parsing of the value syntaxes users write in the config: sizes,
 * percentages, durations, booleans. Pure functions, no I/O. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* A threshold that is either absolute bytes or a percentage of something
 * (the cgroup's own limit, MemTotal, SwapTotal). */
struct size_or_pct {
        enum { SIZE_UNSET = 0, SIZE_BYTES, SIZE_PERCENT } kind;
        uint64_t bytes;
        double percent; /* 0..100 */
};

/* "512M", "1G", "4096", "1.5G", "64k" (binary units, case-insensitive,
 * optional trailing "B"/"iB"). -EINVAL on syntax, -ERANGE on overflow. */
int parse_size(const char *s, uint64_t *ret);

/* "90%" or a size as above. Percent must be in [0, 100]. */
int parse_size_or_pct(const char *s, struct size_or_pct *ret);

/* "100ms", "2s", "1m", "1.5s", "500us", "1d", "0" (bare numbers are seconds).
 * Returns nanoseconds. */
int parse_duration(const char *s, uint64_t *ret_ns);

/* "yes/no/true/false/on/off/1/0". */
int parse_bool(const char *s, bool *ret);

/* A plain non-negative decimal number such as "40" or "12.5". */
int parse_double(const char *s, double *ret);

/* Resolve a size_or_pct against a base (for percent). BYTES_UNLIMITED
 * base with a percent gives BYTES_UNLIMITED (no limit, no threshold). */
uint64_t size_or_pct_resolve(const struct size_or_pct *t, uint64_t base);

/* A numeric listening address, "ADDR:PORT": an IPv4 address
 * ("127.0.0.1:9101", "0.0.0.0:9101") or an IPv6 one in brackets
 * ("[::1]:9101", "[::]:9101"); no host names (nothing is looked up).
 * family is AF_INET or AF_INET6, addr the address in network order
 * (4 or 16 bytes). -EINVAL on syntax, -ERANGE for a port not 1..65535. */
struct listen_addr {
        int family;
        uint8_t addr[16];
        uint16_t port;
};
int parse_listen_addr(const char *s, struct listen_addr *ret);
