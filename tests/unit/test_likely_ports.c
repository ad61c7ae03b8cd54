/* test_likely_ports.c - Zeek 8.0's default likely_server_ports. */
#include "unit.h"

#include "likely_ports.h"

/* The whole set, as listed in src/flow/likely_ports.c. */
static const uint16_t tcp_expected[] = {
    21, 22, 25, 53, 79, 80, 81, 88, 135, 139, 143, 389, 443, 445, 502, 563,
    585, 587, 614, 631, 636, 989, 990, 992, 993, 995, 1080, 1883, 2811, 3128,
    3268, 3389, 5222, 5223, 5269, 5432, 6379, 6666, 6667, 6668, 6669, 8000,
    8080, 8888, 20000,
};
static const uint16_t udp_expected[] = {
    53, 67, 88, 123, 137, 161, 162, 389, 443, 514, 1812, 2123, 2152, 3389,
    3544, 4789, 5060, 5072, 5353, 5355, 6081, 20000,
};

static void test_known(void)
{
    CHECK(likely_server_port(6, 80));
    CHECK(likely_server_port(6, 443));
    CHECK(likely_server_port(6, 22));
    CHECK(likely_server_port(6, 53));
    CHECK(likely_server_port(6, 8080));
    CHECK(likely_server_port(6, 20000)); /* last entry */
    CHECK(likely_server_port(6, 21));    /* first entry */
    CHECK(likely_server_port(17, 53));
    CHECK(likely_server_port(17, 123));
    CHECK(likely_server_port(17, 67));
    CHECK(likely_server_port(17, 443)); /* DTLS */
    CHECK(likely_server_port(17, 4789));
}

static void test_not_likely(void)
{
    /* ephemeral client ports */
    CHECK(!likely_server_port(6, 55672));
    CHECK(!likely_server_port(6, 49152));
    CHECK(!likely_server_port(17, 33434));
    CHECK(!likely_server_port(17, 65535));
    CHECK(!likely_server_port(6, 65535));
    CHECK(!likely_server_port(6, 0));
    CHECK(!likely_server_port(17, 0));
    /* the transport matters */
    CHECK(!likely_server_port(17, 80));
    CHECK(!likely_server_port(17, 22));
    CHECK(!likely_server_port(6, 123));
    CHECK(!likely_server_port(6, 137));
    /* registered for an analyzer in Zeek 8.0 but not a likely server port */
    CHECK(!likely_server_port(17, 68));   /* DHCP client */
    CHECK(!likely_server_port(17, 4011)); /* DHCP proxy */
    CHECK(!likely_server_port(6, 3306));  /* MySQL */
    CHECK(!likely_server_port(17, 853));  /* DNS over QUIC */
    /* well-known, but no Zeek script adds them */
    CHECK(!likely_server_port(6, 23));
    CHECK(!likely_server_port(6, 110));
    CHECK(!likely_server_port(6, 8443));
}

static void test_other_protocols(void)
{
    CHECK(!likely_server_port(0, 80));
    CHECK(!likely_server_port(1, 80));
    CHECK(!likely_server_port(58, 53));
    CHECK(!likely_server_port(132, 80)); /* SCTP */
    CHECK(!likely_server_port(255, 443));
}

/* Every port of the set is found and no other: a table out of order would
 * hide entries from the binary search. */
static void check_exact(uint8_t proto, const uint16_t *exp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        CHECK(likely_server_port(proto, exp[i]));
    size_t count = 0;
    for (uint32_t p = 0; p <= 65535; p++)
        count += likely_server_port(proto, (uint16_t)p);
    CHECK_EQ(count, n);
}

static void test_exact_sets(void)
{
    check_exact(6, tcp_expected, sizeof tcp_expected / sizeof tcp_expected[0]);
    check_exact(17, udp_expected, sizeof udp_expected / sizeof udp_expected[0]);
}

int main(void)
{
    unit_init();
    RUN(test_known);
    RUN(test_not_likely);
    RUN(test_other_protocols);
    RUN(test_exact_sets);
    return unit_done();
}
