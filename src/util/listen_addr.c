/* "ADDR:PORT" for metrics_listen (units.h): numeric only, so that the
 * loader and the HTTP process agree without a resolver. Pure. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "units.h"

/* Digits only, 1..65535. */
static int parse_port(const char *s, uint16_t *ret) {
        unsigned long n = 0;
        if (!*s)
                return -EINVAL;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -EINVAL;
                if ((n = n * 10 + (unsigned long)(*s - '0')) > 65535)
                        return -ERANGE;
        }
        if (n == 0)
                return -ERANGE;
        *ret = (uint16_t)n;
        return 0;
}

int parse_listen_addr(const char *s, struct listen_addr *ret) {
        char host[INET6_ADDRSTRLEN + 1];
        const char *port;
        struct listen_addr a = { 0 };
        size_t n;
        if (s[0] == '[') { /* [IPv6]:PORT */
                const char *end = strchr(s, ']');
                if (!end || end[1] != ':')
                        return -EINVAL;
                n = (size_t)(end - s - 1);
                port = end + 2;
                a.family = AF_INET6;
                s++;
        } else {
                port = strrchr(s, ':');
                if (!port)
                        return -EINVAL;
                n = (size_t)(port - s);
                port++;
                a.family = AF_INET;
        }
        if (n == 0 || n >= sizeof(host))
                return -EINVAL;
        memcpy(host, s, n);
        host[n] = '\0';
        if (inet_pton(a.family, host, a.addr) != 1)
                return -EINVAL;
        int r = parse_port(port, &a.port);
        if (r < 0)
                return r;
        *ret = a;
        return 0;
}
