/* metrics_listen's "ADDR:PORT": IPv4, bracketed IPv6, and what is refused. */
#include "testing.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "units.h"

static void ok(const char *s, int family, const char *host, unsigned port) {
        struct listen_addr a;
        uint8_t want[16] = { 0 };
        int r = parse_listen_addr(s, &a);
        if (r != 0)
                fail_msg("parse_listen_addr(\"%s\") = %d, want 0", s, r);
        assert_int_equal(inet_pton(family, host, want), 1);
        assert_int_equal(a.family, family);
        assert_int_equal(a.port, port);
        assert_memory_equal(a.addr, want, family == AF_INET ? 4 : 16);
}

static void bad(const char *s, int err) {
        struct listen_addr a = { .port = 7 };
        int r = parse_listen_addr(s, &a);
        if (r != err || a.port != 7)
                fail_msg("parse_listen_addr(\"%s\") = %d (port %u); want %d, untouched", s, r, a.port, err);
}

static void test_valid(void **state) {
        ok("127.0.0.1:9101", AF_INET, "127.0.0.1", 9101);
        ok("0.0.0.0:1", AF_INET, "0.0.0.0", 1);
        ok("10.1.2.3:65535", AF_INET, "10.1.2.3", 65535);
        ok("[::1]:9101", AF_INET6, "::1", 9101);
        ok("[::]:80", AF_INET6, "::", 80);
        ok("[fe80::1:2]:9101", AF_INET6, "fe80::1:2", 9101);
        ok("[::ffff:127.0.0.1]:9101", AF_INET6, "::ffff:127.0.0.1", 9101);
}

static void test_invalid(void **state) {
        bad("", -EINVAL);
        bad("9101", -EINVAL);
        bad(":9101", -EINVAL);
        bad("localhost:9101", -EINVAL); /* no names: nothing is looked up */
        bad("127.0.0.1", -EINVAL);
        bad("127.0.0.1:", -EINVAL);
        bad("127.0.0.1:91a", -EINVAL);
        bad("127.0.0.1:-1", -EINVAL);
        bad("127.0.0.1: 9101", -EINVAL);
        bad("256.0.0.1:9101", -EINVAL);
        bad("::1:9101", -EINVAL); /* IPv6 needs brackets */
        bad("[::1]9101", -EINVAL);
        bad("[::1:9101", -EINVAL);
        bad("[]:9101", -EINVAL);
        bad("[127.0.0.1]:9101", -EINVAL);
        bad("[::1]:", -EINVAL);
        bad("[0000:0000:0000:0000:0000:0000:0000:0000:0000]:1", -EINVAL);
}

static void test_port_range(void **state) {
        bad("127.0.0.1:0", -ERANGE);
        bad("127.0.0.1:65536", -ERANGE);
        bad("[::1]:99999999999999999999", -ERANGE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),
                cmocka_unit_test(test_invalid),
                cmocka_unit_test(test_port_range),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
